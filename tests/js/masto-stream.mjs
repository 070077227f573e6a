// Subscribes to a hashtag over Pinhole's streaming API with masto.js, a Mastodon client library no one here wrote,
// finding the streaming URL the way its README says: from /api/v2/instance.
//   node masto-stream.mjs --url URL --tag TAG [--count N] [--timeout-ms MS]
// The token comes from PINHOLE_TOKEN. Prints {"ready":true} once subscribed, then one JSON line per update
// ({"event":"update","id":"…"}), and exits after N updates, or non-zero on error or timeout.
import { createRestAPIClient, createStreamingAPIClient } from 'masto'

const args = {}
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1]
const token = process.env.PINHOLE_TOKEN
if (!args.url || !args.tag || !token) {
  console.error('masto-stream: --url, --tag and PINHOLE_TOKEN are required')
  process.exit(2)
}
const count = Number(args.count ?? 1)
setTimeout(() => {
  console.error('masto-stream: timed out')
  process.exit(3)
}, Number(args['timeout-ms'] ?? 30000)).unref()

const rest = createRestAPIClient({ url: args.url, accessToken: token })
const instance = await rest.v2.instance.fetch()
const streaming = createStreamingAPIClient({ streamingApiUrl: instance.configuration.urls.streaming, accessToken: token, retry: false })
const subscription = streaming.hashtag.subscribe({ tag: args.tag })
console.log(JSON.stringify({ ready: true }))
let seen = 0
for await (const event of subscription) {
  if (event.event !== 'update') continue
  console.log(JSON.stringify({ event: event.event, id: event.payload.id, tags: event.payload.tags.map((t) => t.name) }))
  if (++seen >= count) break
}
subscription.unsubscribe()
streaming.close()
process.exit(0)

// Uploads one file to a tus endpoint with tus-js-client, the way a real app would, and prints one JSON line:
// {"mediaId": "...", "url": "..."}. Any failure is printed to stderr and exits 1.
//
//   node tus-upload.mjs --endpoint URL --file PATH [--metadata JSON] [--chunk-size BYTES]
//                       [--idempotency-key KEY] [--stall-timeout-ms MS]
// The token comes from --token or, kept out of the process list, from PINHOLE_TOKEN.
import { createReadStream } from 'node:fs'
import { parseArgs } from 'node:util'
import { DefaultHttpStack, Upload } from 'tus-js-client'

const { values: args } = parseArgs({
  options: {
    endpoint: { type: 'string' },
    token: { type: 'string' },
    file: { type: 'string' },
    metadata: { type: 'string', default: '{}' },
    'chunk-size': { type: 'string', default: String(1024 * 1024) },
    'idempotency-key': { type: 'string' },
    'stall-timeout-ms': { type: 'string', default: '5000' },
  },
})

const fail = (message) => {
  console.error(message)
  process.exit(1)
}

const token = args.token ?? process.env.PINHOLE_TOKEN
if (!args.endpoint || !args.file || !token) fail('tus-upload: --endpoint, --file and a token are required')
const chunkSize = Number(args['chunk-size'])
const stallTimeout = Number(args['stall-timeout-ms'])
if (!(chunkSize > 0) || !(stallTimeout > 0)) fail('tus-upload: --chunk-size and --stall-timeout-ms must be positive numbers')

// tus-js-client sets no timeout of its own, so a request whose packets vanish would hang for ever. A socket idle
// this long is destroyed, which tus-js-client sees as a network error and retries; a slow but moving transfer is
// never idle that long.
class StallTimeoutHttpStack {
  constructor(inner, timeout) {
    this._inner = inner
    this._timeout = timeout
  }

  createRequest(method, url) {
    const request = this._inner.createRequest(method, url)
    const send = request.send.bind(request)
    request.send = (body) => {
      const sent = send(body)
      const underlying = request.getUnderlyingObject()
      underlying.setTimeout(this._timeout, () => underlying.destroy(new Error(`no bytes for ${this._timeout} ms`)))
      return sent
    }
    return request
  }

  getName() {
    return 'StallTimeoutHttpStack'
  }
}

let lastMediaId = null
const upload = new Upload(createReadStream(args.file), {
  endpoint: args.endpoint,
  headers: { Authorization: `Bearer ${token}` },
  metadata: JSON.parse(args.metadata),
  chunkSize,
  // An empty creation request: on a link that drops, a lost POST is retried for the price of its headers, where
  // one carrying the first chunk would send the chunk again.
  uploadDataDuringCreation: false,
  // Enough attempts to outlast a server restart; the count starts again whenever an attempt moved the offset.
  retryDelays: [0, 100, 250, 500, 1000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000],
  httpStack: new StallTimeoutHttpStack(new DefaultHttpStack(), stallTimeout),
  onBeforeRequest: (request) => {
    // Only the creation is idempotent by key; the other requests are made safe by their offsets.
    if (args['idempotency-key'] && request.getMethod() === 'POST')
      request.setHeader('Idempotency-Key', args['idempotency-key'])
  },
  onAfterResponse: (_request, response) => {
    lastMediaId = response.getHeader('Pinhole-Media-Id') ?? lastMediaId
  },
  onShouldRetry: (error, attempt) => {
    const status = error.originalResponse?.getStatus() ?? 0
    const retry = status === 0 || status >= 500 || status === 409 || status === 423 || status === 429
    console.error(`tus-upload: attempt ${attempt + 1} failed (${error.message.split('\n')[0]}); ${retry ? 'retrying' : 'giving up'}`)
    return retry
  },
  onError: (error) => fail(`tus-upload: ${error.message}`),
  onSuccess: ({ lastResponse }) => {
    const mediaId = lastResponse?.getHeader('Pinhole-Media-Id') ?? lastMediaId
    if (!mediaId) fail(`tus-upload: the upload at ${upload.url} completed without a Pinhole-Media-Id header`)
    console.log(JSON.stringify({ mediaId, url: upload.url }))
  },
})
upload.start()

// Reads an RSS or Atom feed with feedparser (an npm feed parser no one here wrote) and prints what it understood as
// one JSON object, or fails: a feed it cannot parse is a failed test. It reads the feed twice: once in strict XML
// mode, which stops at anything not well-formed, and once as feed readers run it (feedparser's strict mode keeps
// element names' case, so it does not recognise RSS's pubDate; its default mode does).
//   node parse-feed.mjs --url URL
// Prints {"contentType","type","version","title","link","xmlurl","items":[{title,link,guid,pubdate,author,
// description,categories,enclosures,creator,contributors,media}]}; exits non-zero on any error.
import FeedParser from 'feedparser'
import { Readable } from 'node:stream'

const args = {}
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1]
if (!args.url) {
  console.error('parse-feed: --url is required')
  process.exit(2)
}
setTimeout(() => {
  console.error('parse-feed: timed out')
  process.exit(3)
}, Number(args['timeout-ms'] ?? 30000)).unref()

const response = await fetch(args.url)
if (!response.ok) {
  console.error(`parse-feed: ${args.url} answered ${response.status}`)
  process.exit(4)
}
const body = Buffer.from(await response.arrayBuffer())

await new Promise((resolve) => {
  const strict = new FeedParser({ strict: true, resume_saxerror: false, feedurl: args.url })
  strict.on('error', (error) => {
    console.error(`parse-feed: not well-formed: ${error.message}`)
    process.exit(1)
  })
  strict.on('readable', function () { while (this.read()) { /* only well-formedness is asked of this pass */ } })
  strict.on('end', resolve)
  Readable.from([body]).pipe(strict)
})

const parser = new FeedParser({ resume_saxerror: false, normalize: true, addmeta: false, feedurl: args.url })
const items = []
let meta = null
parser.on('error', (error) => {
  console.error(`parse-feed: ${error.message}`)
  process.exit(1)
})
parser.on('meta', (m) => { meta = m })
parser.on('readable', function () {
  let item
  while ((item = this.read())) {
    const text = (node) => (node && typeof node === 'object' ? node['#'] : node) ?? null
    const list = (node) => (node === undefined ? [] : Array.isArray(node) ? node : [node])
    items.push({
      title: item.title,
      link: item.link,
      guid: item.guid,
      pubdate: item.pubdate ? item.pubdate.toISOString() : null,
      author: item.author,
      description: item.description,
      categories: item.categories,
      enclosures: item.enclosures.map((e) => ({ url: e.url, type: e.type, length: e.length === undefined ? null : Number(e.length) })),
      creator: text(item['dc:creator']),
      contributors: list(item['atom:contributor']).map((c) => text(c['atom:name'] ?? c.name)),
      media: list(item['media:content']).map((m) => ({ url: m['@'].url, type: m['@'].type, fileSize: Number(m['@'].filesize ?? m['@'].fileSize) })),
    })
  }
})
parser.on('end', () => {
  console.log(JSON.stringify({
    contentType: response.headers.get('content-type'),
    type: meta?.['#type'] ?? null,
    version: meta?.['#version'] ?? null,
    title: meta?.title ?? null,
    link: meta?.link ?? null,
    xmlurl: meta?.xmlurl ?? null,
    items,
  }))
  process.exit(0)
})
Readable.from([body]).pipe(parser)

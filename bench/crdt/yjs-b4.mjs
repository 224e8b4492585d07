// Replays an editing trace (josephg/editing-traces format) with yjs, one transaction per trace transaction,
// and prints one JSON line: apply/decode medians, encoded sizes and memory. Used by bench/Crdt.Bench.
// Usage: node --expose-gc bench/crdt/yjs-b4.mjs TRACE.json.gz [runs]
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { createHash } from 'node:crypto'

const here = path.dirname(fileURLToPath(import.meta.url))
// yjs comes from the interop test packages (tests/interop: npm ci).
const require = createRequire(path.join(here, '..', '..', 'tests', 'interop', 'package.json'))
const Y = require('yjs')

const tracePath = process.argv[2]
const runs = Number(process.argv[3] ?? 5)
const trace = JSON.parse(gunzipSync(readFileSync(tracePath)).toString('utf8'))
const txns = trace.txns.map(t => t.patches)
const gc = globalThis.gc ?? (() => {})
// VmHWM: getrusage's maxRSS would include the parent's peak, which Linux carries across exec.
const peakRss = () => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    if (m) return Number(m[1]) * 1024
  } catch {}
  return process.resourceUsage().maxRSS * 1024
}
const round = (x) => Math.round(x * 1000) / 1000
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }

const replay = () => {
  const doc = new Y.Doc()
  doc.clientID = 1 // the same client id as the Vibe.Crdt replay, so the encoded updates can be compared byte for byte
  const text = doc.getText('text')
  for (const patches of txns) {
    doc.transact(() => {
      for (const [pos, del, ins] of patches) {
        if (del > 0) text.delete(pos, del)
        if (ins.length > 0) text.insert(pos, ins)
      }
    })
  }
  return doc
}

const applyMs = []
let doc = null
let heapBase = 0
for (let i = 0; i <= runs; i++) {
  doc = null
  gc()
  heapBase = process.memoryUsage().heapUsed
  const t0 = process.hrtime.bigint()
  doc = replay()
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (i > 0) applyMs.push(ms) // the first run warms up the JIT
}
gc()
const heapBytes = process.memoryUsage().heapUsed - heapBase
const ok = doc.getText('text').toString() === trace.endContent
const v1 = Y.encodeStateAsUpdate(doc)
const v2 = Y.encodeStateAsUpdateV2(doc)
const decodeMs = []
for (let i = 0; i <= runs; i++) {
  gc()
  const t0 = process.hrtime.bigint()
  const fresh = new Y.Doc()
  Y.applyUpdate(fresh, v1)
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (i > 0) decodeMs.push(ms)
  if (fresh.getText('text').length !== trace.endContent.length) throw new Error('decoded text differs')
}
console.log(JSON.stringify({
  engine: 'yjs', version: require('yjs/package.json').version, node: process.version, ops: txns.reduce((n, p) => n + p.length, 0), txns: txns.length,
  applyMs: round(median(applyMs)), decodeMs: round(median(decodeMs)), v1Bytes: v1.length, v2Bytes: v2.length,
  heapBytes, peakRssBytes: peakRss(), ok,
  v1Sha256: createHash('sha256').update(v1).digest('hex').toUpperCase()
}))

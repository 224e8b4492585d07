// y-websocket fan-out benchmark harness: N editors over D documents, each typing R keystrokes a second.
// Every keystroke inserts a marker "[editor:seq:sentAtMs]" at the start or end of the text; every other
// editor of that document parses the markers out of its remote changes, so latency is measured on one
// clock (this process) from the local change to each remote peer's observation.
// Editors type for `warmup` seconds before measuring starts (both servers get the same warm-up; a JIT-compiled
// server is otherwise measured compiling its hot path).
// Usage: node bench.mjs '{"serverUrl":"ws://…","token":"…","label":"vibe","editors":50,"documents":10,"rate":5,"seconds":30,"warmup":5}'
// Prints one JSON line with the results.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const o = JSON.parse(process.argv[2])
const editors = o.editors ?? 50
const documents = o.documents ?? 10
const rate = o.rate ?? 5
const seconds = o.seconds ?? 30
const warmup = o.warmup ?? 5
const params = o.token ? { access_token: o.token } : {}
const room = i => `${o.roomPrefix ?? ''}doc-${i}.txt`
const marker = /\[(\d+):(\d+):(\d+)\]/g

const latencies = []
// With "trace": a file path, every measured delivery is written there as one line:
// "msSinceStart sentWallUs receivedWallUs editor:seq latencyMs sender receiver" (wall clock in µs since the epoch,
// so a server's own timestamps can be lined up with them).
const trace = o.trace ? [] : null
let sent = 0
let deliveries = 0
let measuring = false
let startedAt = 0

// Every frame the editors receive, counted (both servers should send the same traffic).
let framesIn = 0
let bytesIn = 0
class CountingWebSocket extends WebSocket {
  constructor (...args) {
    super(...args)
    this.addEventListener('message', e => {
      if (!measuring) return
      framesIn++
      bytesIn += e.data.byteLength ?? e.data.length ?? 0
    })
  }
}

const peers = []
for (let e = 0; e < editors; e++) {
  const d = e % documents
  const doc = new Y.Doc()
  const text = doc.getText('content')
  const provider = new WebsocketProvider(o.serverUrl, room(d), doc, { WebSocketPolyfill: CountingWebSocket, params, disableBc: true, maxBackoffTime: 1000 })
  text.observe(event => {
    if (event.transaction.local) return
    const now = performance.now()
    for (const op of event.delta) {
      if (typeof op.insert !== 'string') continue
      for (const m of op.insert.matchAll(marker)) {
        const sentAt = Number(m[3]) / 1000
        if (!measuring || sentAt < startedAt) continue
        latencies.push(now - sentAt)
        if (trace) trace.push(`${Math.round(sentAt - startedAt)} ${Math.round((performance.timeOrigin + sentAt) * 1000)} ${Math.round((performance.timeOrigin + now) * 1000)} ${m[1]}:${m[2]} ${(now - sentAt).toFixed(2)} ${m[1]} ${e}`)
        deliveries++
      }
    }
  })
  peers.push({ e, d, doc, text, provider, seq: 0 })
}

async function until (what, condition, ms) {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

async function main () {
  await until('all editors synced', () => peers.every(p => p.provider.synced), 60000)
  measuring = true
  startedAt = performance.now() + warmup * 1000
  const end = startedAt + seconds * 1000
  const interval = 1000 / rate
  // Each editor types on its own timer, offset so keystrokes spread evenly over the interval.
  await Promise.all(peers.map((p, i) => new Promise(resolve => {
    const tick = () => {
      const now = performance.now()
      if (now >= end) return resolve()
      // Microseconds of this process's clock, so the receiver can compute the latency.
      const stamp = Math.round(now * 1000)
      const m = `[${p.e}:${p.seq++}:${stamp}]`
      if (Math.random() < 0.5) p.text.insert(0, m)
      else p.text.insert(p.text.length, m)
      if (now >= startedAt) sent++
      setTimeout(tick, interval)
    }
    setTimeout(tick, (interval * i) / editors)
  })))
  const typedFor = (performance.now() - startedAt) / 1000
  // Every peer of a document must end with the same text.
  const expected = sent * (editors / documents - 1)
  let converged = true
  try {
    await until('convergence', () => {
      for (let d = 0; d < documents; d++) {
        const same = peers.filter(p => p.d === d).map(p => p.text.toString())
        if (same.some(t => t !== same[0])) return false
      }
      return true
    }, 60000)
  } catch { converged = false }
  const drainedFor = (performance.now() - startedAt) / 1000
  latencies.sort((a, b) => a - b)
  const pct = q => latencies.length === 0 ? null : Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] * 100) / 100
  console.log(JSON.stringify({
    label: o.label,
    editors,
    documents,
    rate,
    seconds,
    warmup,
    sent,
    deliveries,
    expectedDeliveries: expected,
    updatesPerSecond: Math.round(sent / typedFor),
    deliveriesPerSecond: Math.round(deliveries / drainedFor),
    p50: pct(0.5),
    p95: pct(0.95),
    p99: pct(0.99),
    max: pct(1),
    framesIn,
    bytesIn,
    converged
  }))
  if (trace) (await import('node:fs')).writeFileSync(o.trace, trace.join('\n') + '\n')
  // With "latencies": a file path, every measured latency (ms) one per line, so rounds can be pooled.
  if (o.latencies) (await import('node:fs')).writeFileSync(o.latencies, latencies.map(l => l.toFixed(3)).join('\n') + '\n')
  for (const p of peers) p.provider.destroy()
}

main().then(() => process.exit(0), e => {
  console.log(JSON.stringify({ label: o.label, error: String(e && e.stack || e) }))
  process.exit(1)
})

// Hosts any number of real yjs documents for Vibe.Crdt's interop tests.
// Protocol: one JSON request per line on stdin, one JSON response per line on stdout:
//   {"cmd": "...", ...}  ->  {"ok": true, "result": ...} | {"ok": false, "error": "..."}
// Binary values travel as base64 strings; inside operation values a byte array is {"$bin": "base64"}.
// The operation semantics (index from a fraction, clamped lengths) mirror YjsSession.cs exactly.
import * as Y from 'yjs'
import readline from 'node:readline'

const peers = new Map()

const b64 = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('base64')
const bytes = (s) => new Uint8Array(Buffer.from(s, 'base64'))

// Index of a fraction r in [0,1) over n slots (n >= 1).
const at = (r, n) => Math.min(n - 1, Math.floor(r * n))

// Text as the index space sees it (embeds count one), and an index moved off the middle of a surrogate pair:
// editors never split a pair, and yjs peers that split one concurrently end with different U+FFFD replacements.
const flat = (t) => t.toDelta().map(d => typeof d.insert === 'string' ? d.insert : ' ').join('')
const snap = (s, i) => (i > 0 && i < s.length && s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff && s.charCodeAt(i) >= 0xdc00 && s.charCodeAt(i) <= 0xdfff) ? i + 1 : i
const textRange = (t, r, n) => {
  const s = flat(t)
  const i = snap(s, at(r, s.length))
  const end = snap(s, Math.min(i + n, s.length))
  return [i, end - i]
}

const value = (v) => {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map(value)
  if (typeof v.$bin === 'string') return bytes(v.$bin)
  const o = {}
  for (const k of Object.keys(v)) o[k] = value(v[k])
  return o
}

const newPeer = (id, clientId, gc) => {
  const doc = new Y.Doc({ gc })
  doc.clientID = clientId
  // Roots are defined in a fixed order so doc.toJSON() lists the same keys on every peer.
  doc.getText('text')
  doc.getMap('map')
  doc.getArray('array')
  doc.getXmlFragment('xml')
  const peer = { doc, v1: null, v2: null }
  // Only local transactions are reported: an op's own change, or the formatting cleanup yjs runs
  // after a remote change, which other peers must receive too.
  doc.on('update', (u, _o, _d, tr) => { peer.v1 && tr.local && peer.v1.push(b64(u)) })
  doc.on('updateV2', (u, _o, _d, tr) => { peer.v2 && tr.local && peer.v2.push(b64(u)) })
  peers.set(id, peer)
  return peer
}

const peerOf = (id) => {
  const p = peers.get(id)
  if (!p) throw new Error('unknown peer ' + id)
  return p
}

const editNested = (t, r, s) => {
  if (t instanceof Y.Map) t.set('y', s)
  else if (t instanceof Y.Array) t.insert(at(r, t.length + 1), [s])
  else if (t instanceof Y.XmlText) t.insert(snap(flat(t), at(r, t.length + 1)), s, { bold: true })
  else if (t instanceof Y.Text) t.insert(snap(flat(t), at(r, t.length + 1)), s)
  else if (t instanceof Y.XmlElement) { const x = new Y.XmlText(); t.insert(at(r, t.length + 1), [x]); x.insert(0, s) }
}

const newType = (kind, s) => {
  switch (kind) {
    case 'map': { const m = new Y.Map(); return [m, () => m.set('x', s)] }
    case 'array': { const a = new Y.Array(); return [a, () => a.push([s])] }
    case 'text': { const t = new Y.Text(); return [t, () => t.insert(0, s)] }
    default: throw new Error('unknown type ' + kind)
  }
}

const applyOp = (doc, op) => {
  const text = doc.getText('text')
  const map = doc.getMap('map')
  const array = doc.getArray('array')
  const xml = doc.getXmlFragment('xml')
  switch (op.k) {
    case 'ti': text.insert(snap(flat(text), at(op.r, text.length + 1)), op.s, op.a === undefined ? undefined : value(op.a)); break
    case 'td': if (text.length > 0) { const [i, n] = textRange(text, op.r, op.n); text.delete(i, n) } break
    case 'tf': if (text.length > 0) { const [i, n] = textRange(text, op.r, op.n); text.format(i, n, value(op.a)) } break
    case 'te': text.insertEmbed(snap(flat(text), at(op.r, text.length + 1)), value(op.v)); break
    case 'ms': map.set(op.key, value(op.v)); break
    case 'md': map.delete(op.key); break
    case 'mt': { const [t, fill] = newType(op.t, op.s); map.set(op.key, t); fill(); break }
    case 'me': { const t = map.get(op.key); if (t instanceof Y.AbstractType) editNested(t, op.r, op.s); break }
    case 'ai': array.insert(at(op.r, array.length + 1), value(op.vs)); break
    case 'ad': if (array.length > 0) { const i = at(op.r, array.length); array.delete(i, Math.min(op.n, array.length - i)) } break
    case 'at': { const [t, fill] = newType(op.t, op.s); array.insert(at(op.r, array.length + 1), [t]); fill(); break }
    case 'ae': if (array.length > 0) { const t = array.get(at(op.r, array.length)); if (t instanceof Y.AbstractType) editNested(t, op.r2, op.s) } break
    case 'xe': { const e = new Y.XmlElement(op.name); xml.insert(at(op.r, xml.length + 1), [e]); e.setAttribute(op.key, op.v); break }
    case 'xt': { const t = new Y.XmlText(); xml.insert(at(op.r, xml.length + 1), [t]); t.insert(0, op.s); break }
    case 'xd': if (xml.length > 0) { const i = at(op.r, xml.length); xml.delete(i, Math.min(op.n, xml.length - i)) } break
    case 'xa': if (xml.length > 0) {
      const c = xml.get(at(op.r, xml.length))
      if (c instanceof Y.XmlElement) { if (op.v === null) c.removeAttribute(op.key); else c.setAttribute(op.key, op.v) }
      break
    }
    case 'xm': if (xml.length > 0) editNested(xml.get(at(op.r, xml.length)), op.r2, op.s); break
    default: throw new Error('unknown op ' + op.k)
  }
}

// Runs f and returns the updates of the local transactions it caused, as [{v1, v2}].
const capture = (p, f) => {
  p.v1 = []
  p.v2 = []
  try {
    f()
    return p.v1.map((v1, i) => ({ v1, v2: p.v2[i] }))
  } finally {
    p.v1 = p.v2 = null
  }
}

const run = (req) => {
  switch (req.cmd) {
    case 'new': newPeer(req.peer, req.clientId, req.gc !== false); return null
    case 'drop': peers.get(req.peer)?.doc.destroy(); peers.delete(req.peer); return null
    case 'reset': for (const p of peers.values()) p.doc.destroy(); peers.clear(); return null
    case 'op': {
      // One transaction per operation; returns the update it emitted (v1 and v2), or null when nothing changed.
      const p = peerOf(req.peer)
      return capture(p, () => p.doc.transact(() => applyOp(p.doc, req.op)))
    }
    case 'apply': {
      const p = peerOf(req.peer)
      return capture(p, () => req.v2 ? Y.applyUpdateV2(p.doc, bytes(req.update)) : Y.applyUpdate(p.doc, bytes(req.update)))
    }
    case 'state': {
      const p = peerOf(req.peer)
      const sv = req.sv ? bytes(req.sv) : undefined
      return b64(req.v2 ? Y.encodeStateAsUpdateV2(p.doc, sv) : Y.encodeStateAsUpdate(p.doc, sv))
    }
    case 'sv': return b64(Y.encodeStateVector(peerOf(req.peer).doc))
    case 'json': return JSON.stringify(peerOf(req.peer).doc.toJSON())
    case 'final': {
      const doc = peerOf(req.peer).doc
      // core: the state without pending structs and deletes (encodeStateAsUpdate merges those in).
      const { pendingStructs, pendingDs } = doc.store
      doc.store.pendingStructs = null
      doc.store.pendingDs = null
      const core = b64(Y.encodeStateAsUpdate(doc))
      doc.store.pendingStructs = pendingStructs
      doc.store.pendingDs = pendingDs
      return { json: JSON.stringify(doc.toJSON()), v1: b64(Y.encodeStateAsUpdate(doc)), core, pending: !!(pendingStructs || pendingDs), sv: b64(Y.encodeStateVector(doc)) }
    }
    case 'merge': return b64(req.v2 ? Y.mergeUpdatesV2(req.updates.map(bytes)) : Y.mergeUpdates(req.updates.map(bytes)))
    case 'toV2': return b64(Y.convertUpdateFormatV1ToV2(bytes(req.update)))
    case 'toV1': return b64(Y.convertUpdateFormatV2ToV1(bytes(req.update)))
    case 'decode': {
      // Applies an update to a fresh document and reports its state, for comparing decoders.
      const doc = new Y.Doc({ gc: req.gc !== false })
      doc.getText('text'); doc.getMap('map'); doc.getArray('array'); doc.getXmlFragment('xml')
      if (req.v2) Y.applyUpdateV2(doc, bytes(req.update)); else Y.applyUpdate(doc, bytes(req.update))
      return { json: JSON.stringify(doc.toJSON()), v1: b64(Y.encodeStateAsUpdate(doc)) }
    }
    case 'replay': {
      // Applies v1 updates in order to a fresh document and reports its state (toJSON of the named roots).
      const doc = new Y.Doc({ gc: req.gc !== false })
      for (const u of req.updates) Y.applyUpdate(doc, bytes(u))
      const json = {}
      if (req.text) json.text = doc.getText(req.text).toString()
      if (req.map) json.map = doc.getMap(req.map).toJSON()
      if (req.array) json.array = doc.getArray(req.array).toJSON()
      return { json: JSON.stringify(json), v1: b64(Y.encodeStateAsUpdate(doc)), v2: b64(Y.encodeStateAsUpdateV2(doc)) }
    }
    case 'batch': return req.cmds.map(handle)
    case 'ping': return 'pong'
    default: throw new Error('unknown command ' + req.cmd)
  }
}

function handle (req) {
  try {
    return { ok: true, result: run(req) }
  } catch (e) {
    return { ok: false, error: String(e && e.stack ? e.stack : e) }
  }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
rl.on('line', (line) => {
  if (line.length === 0) return
  let res
  try {
    res = handle(JSON.parse(line))
  } catch (e) {
    res = { ok: false, error: 'bad request: ' + e }
  }
  process.stdout.write(JSON.stringify(res) + '\n')
})
rl.on('close', () => process.exit(0))

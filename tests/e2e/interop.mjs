// Drives Vibe with node's stock y-websocket provider and prints one JSON line per step on stdout.
// Usage: node interop.mjs BASE_URL TOKEN PROJECT_ID PATH
// Steps: two providers sync, edit concurrently and converge; a REST PUT reaches a provider; a provider's
// edit is visible to REST GET. Exits 0 after {"step":"done"}, 1 after {"step":"failed", ...}.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const [baseUrl, token, project, path] = process.argv.slice(2)
if (!baseUrl || !token || !project || !path) {
  console.error('usage: node interop.mjs BASE_URL TOKEN PROJECT_ID PATH')
  process.exit(2)
}
const wsUrl = baseUrl.replace(/^http/, 'ws').replace(/\/$/, '') + '/yjs/' + project
const fileUrl = `${baseUrl.replace(/\/$/, '')}/api/projects/${project}/files/${path}`
const auth = { Authorization: `Bearer ${token}` }
const emit = (step, data = {}) => console.log(JSON.stringify({ step, ...data }))

// Polls a condition until a deadline; never a fixed sleep.
async function until (what, condition, detail, ms = 20000) {
  const end = Date.now() + ms
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${detail ? ': ' + detail() : ''}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

function connect (name) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(wsUrl, path, doc, { WebSocketPolyfill: WebSocket, params: { access_token: token }, disableBc: true })
  provider.awareness.setLocalStateField('user', { name })
  return { name, doc, provider, text: doc.getText('content') }
}

async function restGet () {
  const response = await fetch(fileUrl, { headers: auth })
  if (!response.ok) throw new Error(`GET ${response.status}`)
  return response.text()
}

async function main () {
  const initial = await restGet()
  const a = connect('a')
  const b = connect('b')
  await until('both providers synced', () => a.provider.synced && b.provider.synced)
  await until('initial text', () => a.text.toString() === initial && b.text.toString() === initial)
  emit('synced', { text: a.text.toString() })

  // Concurrent edits: each peer inserts numbered markers at random places without waiting for the other.
  const markers = []
  const rounds = 40
  for (let i = 0; i < rounds; i++) {
    for (const peer of [a, b]) {
      const marker = `<${peer.name}${i}>`
      markers.push(marker)
      // Insert only between markers (after a newline or '>') so no marker splits another.
      const current = peer.text.toString()
      const gaps = [0, current.length]
      for (let k = 0; k < current.length; k++) if (current[k] === '>' || current[k] === '\n') gaps.push(k + 1)
      const at = gaps[Math.floor(Math.random() * gaps.length)]
      peer.text.insert(at, marker)
    }
    if (i % 10 === 0) await new Promise(resolve => setImmediate(resolve))
  }
  await until('convergence', () => a.text.toString() === b.text.toString() && markers.every(m => a.text.toString().includes(m)),
    () => JSON.stringify({ a: a.text.toString(), b: b.text.toString() }))
  emit('converged', { text: a.text.toString(), markers: markers.length })

  // A REST write reaches the providers as a Yjs update.
  const restText = `rest wrote this at ${Date.now()}\n` + a.text.toString()
  const put = await fetch(fileUrl, { method: 'PUT', headers: auth, body: restText })
  if (!put.ok) throw new Error(`PUT ${put.status} ${await put.text()}`)
  await until('REST PUT in providers', () => a.text.toString() === restText && b.text.toString() === restText)
  emit('rest-put-seen', { text: restText })

  // A provider's edit is what REST reads back.
  b.text.insert(0, 'provider edit\n')
  const expected = b.text.toString()
  await until('provider edit in REST GET', async () => (await restGet()) === expected)
  await until('provider edit in other provider', () => a.text.toString() === expected)
  emit('rest-get-seen', { text: expected })

  for (const peer of [a, b]) peer.provider.destroy()
  emit('done', { text: expected })
}

main().then(() => process.exit(0), e => {
  emit('failed', { error: String(e && e.stack || e) })
  process.exit(1)
})

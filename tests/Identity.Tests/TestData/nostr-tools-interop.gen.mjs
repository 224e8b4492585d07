// Generates tests/Identity.Tests/TestData/nostr-tools-interop.json with nostr-tools 2.25.2 (npm).
import { finalizeEvent, getPublicKey, verifyEvent } from 'nostr-tools/pure'
import { getToken } from 'nostr-tools/nip98'
import { hexToBytes } from '@noble/hashes/utils.js'

const sk = hexToBytes('0340034003400340034003400340034003400340034003400340034003400340')
let controls = ''
for (let c = 0; c < 0x20; c++) controls += String.fromCharCode(c)
const events = [
  finalizeEvent({ kind: 1, created_at: 1700000000, tags: [], content: 'hello' }, sk),
  finalizeEvent({ kind: 1, created_at: 1700000001, tags: [['t', 'x\ny'], ['p', getPublicKey(sk), 'wss://r.example/"q"']], content: 'a"b\\c' + controls + '\u007f/é😀\u2028\u2029<>&\ufeff' }, sk),
  finalizeEvent({ kind: 30023, created_at: 1700000002, tags: [['d', 'ünïcödé'], ['empty', '']], content: '日本語テキスト\r\n\ttabbed' }, sk),
]
const sign = async (e) => finalizeEvent(e, sk)
const getHeader = await getToken('https://vibe.example/api/session', 'GET', sign, true)
const body = { name: 'demo', n: 1 }
const postHeader = await getToken('https://vibe.example/api/projects?x=1', 'POST', sign, true, body)
console.log(JSON.stringify({
  generator: 'nostr-tools 2.25.2 (npm), finalizeEvent and nip98.getToken; secret key 0340...0340 (BIP-340 vector 15)',
  pubkey: getPublicKey(sk),
  events,
  nip98: [
    { header: getHeader, url: 'https://vibe.example/api/session', method: 'GET', body: '' },
    { header: postHeader, url: 'https://vibe.example/api/projects?x=1', method: 'POST', body: JSON.stringify(body) },
  ],
}, null, 2))

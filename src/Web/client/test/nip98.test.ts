import assert from "node:assert/strict";
import { test } from "node:test";
import { schnorr } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { parseSecret } from "../src/auth/keys";
import { HTTP_AUTH_KIND, nip98Header, type NostrEvent } from "../src/auth/nip98";

const key = parseSecret("67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa");
const decode = (header: string): NostrEvent => JSON.parse(Buffer.from(header.slice("Nostr ".length), "base64").toString("utf8"));

test("A NIP-98 header carries a valid kind-27235 event for the URL and method", () => {
  const event = decode(nip98Header(key, "http://127.0.0.1:5099/api/auth/session", "post"));
  assert.equal(event.kind, HTTP_AUTH_KIND);
  assert.equal(event.pubkey, key.pubkey);
  assert.deepEqual(event.tags.find((t) => t[0] === "u"), ["u", "http://127.0.0.1:5099/api/auth/session"]);
  assert.deepEqual(event.tags.find((t) => t[0] === "method"), ["method", "POST"]);
  assert.ok(Math.abs(event.created_at - Date.now() / 1000) < 5);
  const id = bytesToHex(sha256(utf8ToBytes(JSON.stringify([0, event.pubkey, event.created_at, event.kind, event.tags, event.content]))));
  assert.equal(event.id, id);
  assert.ok(schnorr.verify(hexToBytes(event.sig), hexToBytes(event.id), hexToBytes(event.pubkey)));
});

test("Two headers signed in the same second differ by their nonce", () => {
  const a = decode(nip98Header(key, "http://h/api/auth/session", "POST"));
  const b = decode(nip98Header(key, "http://h/api/auth/session", "POST"));
  assert.notEqual(a.id, b.id);
});

test("A body adds its SHA-256 as the payload tag", () => {
  const body = utf8ToBytes("{\"name\":\"x\"}");
  const event = decode(nip98Header(key, "http://h/api/projects", "POST", body));
  assert.deepEqual(event.tags.find((t) => t[0] === "payload"), ["payload", bytesToHex(sha256(body))]);
});

// NIP-98 HTTP auth: a kind-27235 event naming the absolute URL and method, signed with the user's key.
import { schnorr } from "@noble/curves/secp256k1.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, randomBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import type { NostrKey } from "./keys";

export interface NostrEvent {
  id: string;
  pubkey: string;
  created_at: number;
  kind: number;
  tags: string[][];
  content: string;
  sig: string;
}

export const HTTP_AUTH_KIND = 27235;

export function signEvent(key: NostrKey, kind: number, tags: string[][], content: string): NostrEvent {
  const created_at = Math.floor(Date.now() / 1000);
  const serialized = JSON.stringify([0, key.pubkey, created_at, kind, tags, content]);
  const hash = sha256(utf8ToBytes(serialized));
  const sig = bytesToHex(schnorr.sign(hash, key.secret));
  return { id: bytesToHex(hash), pubkey: key.pubkey, created_at, kind, tags, content, sig };
}

/** The value of an `Authorization` header for one request; the nonce keeps two same-second requests distinct. */
export function nip98Header(key: NostrKey, url: string, method: string, body?: Uint8Array): string {
  const tags = [["u", new URL(url, globalThis.location?.href).href], ["method", method.toUpperCase()], ["nonce", bytesToHex(randomBytes(8))]];
  if (body && body.length > 0) tags.push(["payload", bytesToHex(sha256(body))]);
  const event = signEvent(key, HTTP_AUTH_KIND, tags, "");
  return "Nostr " + btoa(JSON.stringify(event));
}

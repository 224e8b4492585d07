// The user's Nostr key: created or imported once, kept in localStorage (this browser is the user's device).
import { schnorr } from "@noble/curves/secp256k1.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { bech32Decode, bech32Encode } from "./bech32";

const STORAGE_KEY = "vibe.nostr.secret";

export interface NostrKey {
  secret: Uint8Array;
  /** x-only public key, lower-case hex (the user's id on the server). */
  pubkey: string;
}

function fromSecret(secret: Uint8Array): NostrKey {
  return { secret, pubkey: bytesToHex(schnorr.getPublicKey(secret)) };
}

export function createKey(): NostrKey {
  return fromSecret(schnorr.utils.randomSecretKey());
}

/** Accepts an nsec1… string or 64 hex characters; throws an Error with a readable message otherwise. */
export function parseSecret(input: string): NostrKey {
  const text = input.trim();
  let secret: Uint8Array;
  if (text.toLowerCase().startsWith("nsec1")) {
    const { hrp, bytes } = bech32Decode(text);
    if (hrp !== "nsec" || bytes.length !== 32) throw new Error("That nsec does not hold a 32-byte key.");
    secret = bytes;
  } else if (/^[0-9a-fA-F]{64}$/.test(text)) {
    secret = hexToBytes(text.toLowerCase());
  } else if (text.toLowerCase().startsWith("npub1")) {
    throw new Error("That is a public key (npub). Paste the secret key (nsec) instead.");
  } else {
    throw new Error("Paste an nsec1… key or 64 hexadecimal characters.");
  }
  try {
    return fromSecret(secret);
  } catch {
    throw new Error("That is not a valid secp256k1 secret key.");
  }
}

export function loadKey(): NostrKey | null {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (!stored) return null;
  try {
    return parseSecret(stored);
  } catch {
    localStorage.removeItem(STORAGE_KEY);
    return null;
  }
}

export function saveKey(key: NostrKey): void {
  localStorage.setItem(STORAGE_KEY, bytesToHex(key.secret));
}

export function forgetKey(): void {
  localStorage.removeItem(STORAGE_KEY);
}

export const toNsec = (key: NostrKey): string => bech32Encode("nsec", key.secret);
export const toNpub = (pubkey: string): string => bech32Encode("npub", hexToBytes(pubkey));
export const shortNpub = (pubkey: string): string => {
  const npub = toNpub(pubkey);
  return `${npub.slice(0, 10)}…${npub.slice(-4)}`;
};

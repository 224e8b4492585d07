import assert from "node:assert/strict";
import { test } from "node:test";
import { bech32Decode, bech32Encode } from "../src/auth/bech32";

// NIP-19's published example pair.
const HEX = "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d";
const NPUB = "npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6";

test("An npub round-trips through bech32", () => {
  const { hrp, bytes } = bech32Decode(NPUB);
  assert.equal(hrp, "npub");
  assert.equal(Buffer.from(bytes).toString("hex"), HEX);
  assert.equal(bech32Encode("npub", bytes), NPUB);
});

test("A typo fails the checksum", () => {
  assert.throws(() => bech32Decode(NPUB.slice(0, -1) + "7"), /checksum/);
});

test("NIP-19's example nsec imports to its published public key", async () => {
  const { parseSecret, toNsec } = await import("../src/auth/keys");
  const key = parseSecret("nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5");
  assert.equal(key.pubkey, "7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e");
  assert.equal(toNsec(key), "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5");
  assert.deepEqual(parseSecret("67dea2ed018072d675f5415ecfaed7d2597555e202d85b3d65ea4e58d2d92ffa").pubkey, key.pubkey);
  assert.throws(() => parseSecret("npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg"), /public key/);
});

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

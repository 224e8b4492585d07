import assert from "node:assert/strict";
import { test } from "node:test";
import { BASE_DELAY_MS, MAX_DELAY_MS, backoffDelay } from "../src/collab/backoff";

test("Reconnect delays double from half a second and stop growing at thirty seconds, within 20% jitter", () => {
  for (let attempt = 0; attempt < 30; attempt++) {
    const exact = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
    const delay = backoffDelay(attempt);
    assert.ok(delay >= exact * 0.8 - 1 && delay <= exact * 1.2 + 1, `attempt ${attempt}: ${delay}`);
  }
});

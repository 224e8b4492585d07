import assert from "node:assert/strict";
import { test } from "node:test";
import { fromWire } from "../src/collab/hub";

test("PascalCase MessagePack maps become camelCase records, bytes and dates untouched", () => {
  const bytes = new Uint8Array([1, 2]);
  const when = new Date(0);
  const out = fromWire({ Id: "c1", AnchorStart: bytes, CreatedAt: [when, 0], Nested: [{ Path: "/a" }] }) as Record<string, unknown>;
  assert.equal(out.id, "c1");
  assert.equal(out.anchorStart, bytes);
  assert.equal(out.createdAt, when);
  assert.deepEqual(out.nested, [{ path: "/a" }]);
});

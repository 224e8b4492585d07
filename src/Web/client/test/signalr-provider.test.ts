import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import * as Y from "yjs";
import { SignalRProvider } from "../src/collab/signalr-provider";
import { FakeHub, FakeServer, settle } from "./fake-hub";

// Awareness keeps an interval timer; everything is destroyed after each test so the runner can exit.
const live: { destroy(): void }[] = [];
afterEach(() => { for (const x of live.splice(0)) x.destroy(); });

const open = (hub: FakeHub) => {
  const doc = new Y.Doc();
  const provider = new SignalRProvider(hub, "proj", "src/App.tsx", doc);
  live.push(provider, hub.server);
  return { doc, text: doc.getText("content"), provider };
};

test("Edits from one client reach another through the server", async () => {
  const server = new FakeServer();
  const a = open(new FakeHub(server));
  const b = open(new FakeHub(server));
  await settle();
  a.text.insert(0, "hello");
  b.text.insert(0, ">> ");
  await settle();
  assert.equal(a.text.toString(), b.text.toString());
  assert.equal(server.document("proj/src/App.tsx").doc.getText("content").toString(), a.text.toString());
  assert.equal(a.provider.synced.value, true);
  assert.equal(a.provider.status.value, "synced");
});

test("Joining late receives the existing content", async () => {
  const server = new FakeServer();
  const a = open(new FakeHub(server));
  await settle();
  a.text.insert(0, "existing text");
  const b = open(new FakeHub(server));
  await settle();
  assert.equal(b.text.toString(), "existing text");
});

test("Offline edits are merged after reconnecting", async () => {
  const server = new FakeServer();
  const hubA = new FakeHub(server);
  const a = open(hubA);
  const b = open(new FakeHub(server));
  await settle();
  a.text.insert(0, "base.");
  await settle();
  hubA.disconnect();
  a.text.insert(a.text.length, " offline-a");
  b.text.insert(0, "online-b ");
  await settle();
  assert.ok(!b.text.toString().includes("offline-a"));
  hubA.reconnect();
  await settle();
  assert.equal(a.text.toString(), b.text.toString());
  assert.ok(a.text.toString().includes("offline-a") && a.text.toString().includes("online-b"));
});

test("Awareness states of other clients arrive with their user fields", async () => {
  const server = new FakeServer();
  const a = open(new FakeHub(server));
  const b = open(new FakeHub(server));
  await settle();
  a.provider.awareness.setLocalStateField("user", { name: "Ada", color: "#e5484d", colorLight: "#e5484d33", pubkey: "aa" });
  await settle();
  const seen = [...b.provider.awareness.getStates().values()].map((s) => (s as { user?: { name: string } }).user?.name);
  assert.ok(seen.includes("Ada"));
  a.provider.destroy();
  await settle();
  const after = [...b.provider.awareness.getStates().values()].map((s) => (s as { user?: { name: string } }).user?.name);
  assert.ok(!after.includes("Ada"));
});

test("A rejected frame turns the document read-only", async () => {
  const server = new FakeServer();
  const hub = new FakeHub(server);
  server.readOnlyFor.add(hub);
  const a = open(hub);
  await settle();
  assert.equal(a.provider.readOnly.value.readOnly, true);
  const viewer = new FakeHub(server);
  const b = open(viewer);
  await settle();
  server.readOnlyFor.add(viewer);
  b.text.insert(0, "nope");
  await settle();
  assert.equal(b.provider.readOnly.value.readOnly, true);
  assert.match(b.provider.readOnly.value.reason ?? "", /doc\.read_only/);
  assert.equal(server.document("proj/src/App.tsx").doc.getText("content").toString(), "");
});

// An in-memory /hubs/collab for provider tests: one server Y.Doc per document, y-protocols on both ends,
// with the same frame order as the real hub (sync step 1 and awareness while JoinDocument runs).
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { Observable, type ConnectionState } from "../src/collab/connection-state";
import type { DocumentHub } from "../src/collab/signalr-provider";

export class FakeServer {
  readonly docs = new Map<string, { doc: Y.Doc; awareness: awarenessProtocol.Awareness }>();
  readonly clients = new Set<FakeHub>();
  readOnlyFor = new Set<FakeHub>();

  destroy(): void {
    for (const { awareness } of this.docs.values()) awareness.destroy();
  }

  document(id: string) {
    let entry = this.docs.get(id);
    if (!entry) {
      const doc = new Y.Doc();
      entry = { doc, awareness: new awarenessProtocol.Awareness(doc) };
      entry.awareness.setLocalState(null);
      this.docs.set(id, entry);
      doc.on("update", (update: Uint8Array, origin: unknown) => {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, 0);
        syncProtocol.writeUpdate(e, update);
        this.broadcast(id, encoding.toUint8Array(e), origin);
      });
      entry.awareness.on("update", ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(entry!.awareness, [...added, ...updated, ...removed]));
        this.broadcast(id, encoding.toUint8Array(e), origin);
      });
    }
    return entry;
  }

  broadcast(id: string, frame: Uint8Array, except: unknown): void {
    for (const c of this.clients) if (c !== except && c.joined.has(id) && c.connected) c.deliver("Frame", id, frame);
  }

  receive(from: FakeHub, id: string, frame: Uint8Array): void {
    const { doc, awareness } = this.document(id);
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    if (type === 0) {
      const peek = decoding.createDecoder(frame);
      decoding.readVarUint(peek);
      const syncType = decoding.readVarUint(peek);
      if (syncType !== 0 && this.readOnlyFor.has(from)) {
        from.deliver("FrameRejected", id, "doc.read_only", "Viewers cannot edit.");
        return;
      }
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      syncProtocol.readSyncMessage(decoder, e, doc, from);
      if (encoding.length(e) > 1) from.deliver("Frame", id, encoding.toUint8Array(e));
    } else if (type === 1) {
      awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), from);
    }
  }
}

export class FakeHub implements DocumentHub {
  readonly state = new Observable<ConnectionState>("connected");
  readonly joined = new Set<string>();
  private readonly handlers = new Map<string, Set<(...args: never[]) => void>>();
  private readonly connectedListeners = new Set<() => void>();

  constructor(readonly server: FakeServer) {
    server.clients.add(this);
  }

  get connected(): boolean {
    return this.state.value === "connected";
  }

  on(event: string, handler: (...args: never[]) => void): () => void {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(handler);
    return () => this.handlers.get(event)!.delete(handler);
  }

  onConnected(listener: () => void): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  deliver(event: string, ...args: unknown[]): void {
    for (const h of this.handlers.get(event) ?? []) (h as (...a: unknown[]) => void)(...args);
  }

  async invoke<T>(method: string, ...args: unknown[]): Promise<T> {
    if (!this.connected) throw new Error("not connected");
    if (method === "JoinDocument") {
      const id = `${args[0]}/${args[1]}`;
      this.joined.add(id);
      const { doc, awareness } = this.server.document(id);
      const step1 = encoding.createEncoder();
      encoding.writeVarUint(step1, 0);
      syncProtocol.writeSyncStep1(step1, doc);
      this.deliver("Frame", id, encoding.toUint8Array(step1));
      const states = [...awareness.getStates().keys()];
      if (states.length) {
        const a = encoding.createEncoder();
        encoding.writeVarUint(a, 1);
        encoding.writeVarUint8Array(a, awarenessProtocol.encodeAwarenessUpdate(awareness, states));
        this.deliver("Frame", id, encoding.toUint8Array(a));
      }
      return { documentId: id, role: this.server.readOnlyFor.has(this) ? "viewer" : "editor", readOnly: this.server.readOnlyFor.has(this) } as T;
    }
    if (method === "LeaveDocument") { this.joined.delete(args[0] as string); return undefined as T; }
    throw new Error(`unexpected ${method}`);
  }

  send(method: string, ...args: unknown[]): void {
    if (!this.connected || method !== "SendFrame") return;
    const [id, frame] = args as [string, Uint8Array];
    if (!this.joined.has(id)) return;
    this.server.receive(this, id, frame);
  }

  disconnect(): void {
    this.joined.clear();
    this.state.set("offline");
  }

  reconnect(): void {
    this.state.set("connected");
    for (const l of [...this.connectedListeners]) l();
  }
}

/** Lets queued microtasks (async join) finish. */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

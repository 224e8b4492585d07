// A Yjs provider over the /hubs/collab SignalR connection: the y-websocket message format
// (sync step 1/2/update, awareness, auth, query awareness) carried in JoinDocument/SendFrame/Frame.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as authProtocol from "y-protocols/auth";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import type * as Y from "yjs";
import { HubEvents, HubMethods, documentId as toDocumentId, type DocumentJoined } from "../api-types";
import { Observable, type ConnectionState } from "./connection-state";

/** The part of the hub connection a document needs; CollabHub implements it, tests fake it. */
export interface DocumentHub {
  readonly connected: boolean;
  readonly state: Observable<ConnectionState>;
  on(event: string, handler: (...args: never[]) => void): () => void;
  onConnected(listener: () => void): () => void;
  invoke<T>(method: string, ...args: unknown[]): Promise<T>;
  send(method: string, ...args: unknown[]): void;
}

export const MessageType = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;

export type ProviderStatus = "joining" | "syncing" | "synced" | "disconnected";

export class SignalRProvider {
  readonly documentId: string;
  readonly awareness: awarenessProtocol.Awareness;
  readonly status = new Observable<ProviderStatus>("disconnected");
  /** Set when the server says we may only read (viewer role, FrameRejected or an auth frame). */
  readonly readOnly = new Observable<{ readOnly: boolean; reason: string | null }>({ readOnly: false, reason: null });
  /** The update-log version the server last committed for this document (DocumentSaved). */
  readonly savedVersion = new Observable<number | null>(null);
  /** True once the first sync step 2 arrived from the server in this session. */
  readonly synced = new Observable<boolean>(false);
  private readonly unsubscribe: (() => void)[] = [];
  private destroyed = false;

  constructor(
    private readonly hub: DocumentHub,
    readonly projectId: string,
    readonly path: string,
    readonly doc: Y.Doc,
  ) {
    this.documentId = toDocumentId(projectId, path);
    this.awareness = new awarenessProtocol.Awareness(doc);

    doc.on("update", this.onDocUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);
    this.unsubscribe.push(
      hub.on(HubEvents.frame, ((id: string, bytes: Uint8Array) => {
        if (id === this.documentId) this.receive(bytes);
      }) as never),
      hub.on(HubEvents.frameRejected, ((id: string, code: string, message: string) => {
        // A viewer's handshake reply is refused too; keep the clearer role message when we already know it.
        if (id === this.documentId && !this.readOnly.value.readOnly) this.readOnly.set({ readOnly: true, reason: `${message} (${code})` });
      }) as never),
      hub.on(HubEvents.documentSaved, ((id: string, version: number) => {
        if (id === this.documentId) this.savedVersion.set(Number(version));
      }) as never),
      hub.onConnected(() => void this.join()),
      hub.state.subscribe((state) => { if (state !== "connected") this.status.set("disconnected"); }),
    );
    globalThis.addEventListener?.("beforeunload", this.onUnload);
    if (hub.connected) void this.join();
  }

  /** Joins (or re-joins after a reconnect) and runs the sync handshake; safe to call repeatedly. */
  async join(): Promise<void> {
    if (this.destroyed || !this.hub.connected) return;
    this.status.set("joining");
    try {
      const joined = await this.hub.invoke<DocumentJoined>(HubMethods.joinDocument, this.projectId, this.path.replace(/^\/+/, ""));
      if (joined.readOnly) this.readOnly.set({ readOnly: true, reason: `you are a ${joined.role} of this project.` });
      this.status.set("syncing");
      // Step 1 asks the server for what we lack; the server's own step 1 makes us send our offline edits as step 2.
      const step1 = encoding.createEncoder();
      encoding.writeVarUint(step1, MessageType.sync);
      syncProtocol.writeSyncStep1(step1, this.doc);
      this.sendFrame(encoding.toUint8Array(step1));
      if (this.awareness.getLocalState() !== null) {
        this.sendFrame(this.encodeAwareness([this.doc.clientID]));
      }
    } catch (error) {
      this.status.set("disconnected");
      console.warn(`JoinDocument ${this.documentId} failed`, error);
    }
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    globalThis.removeEventListener?.("beforeunload", this.onUnload);
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], "local");
    this.doc.off("update", this.onDocUpdate);
    this.awareness.off("update", this.onAwarenessUpdate);
    for (const off of this.unsubscribe) off();
    if (this.hub.connected) this.hub.invoke(HubMethods.leaveDocument, this.documentId).catch(() => undefined);
    this.awareness.destroy();
  }

  /** One y-websocket message from the server. */
  receive(bytes: Uint8Array): void {
    const decoder = decoding.createDecoder(bytes);
    const encoder = encoding.createEncoder();
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync: {
        encoding.writeVarUint(encoder, MessageType.sync);
        const syncType = syncProtocol.readSyncMessage(decoder, encoder, this.doc, this);
        if (syncType === syncProtocol.messageYjsSyncStep2 && !this.synced.value) {
          this.synced.set(true);
        }
        if (syncType === syncProtocol.messageYjsSyncStep2 || (syncType === syncProtocol.messageYjsUpdate && this.status.value === "syncing")) {
          this.status.set("synced");
        }
        if (encoding.length(encoder) > 1) this.sendFrame(encoding.toUint8Array(encoder));
        break;
      }
      case MessageType.awareness:
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), this);
        break;
      case MessageType.queryAwareness:
        this.sendFrame(this.encodeAwareness([...this.awareness.getStates().keys()]));
        break;
      case MessageType.auth:
        authProtocol.readAuthMessage(decoder, this.doc, (_doc, reason) => {
          if (!this.readOnly.value.readOnly) this.readOnly.set({ readOnly: true, reason: `permission denied (${reason})` });
        });
        break;
      default:
        console.warn(`Unknown y-websocket message type ${type} for ${this.documentId}`);
    }
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeUpdate(encoder, update);
    this.sendFrame(encoding.toUint8Array(encoder));
  };

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this) return;
    const changed = [...added, ...updated, ...removed];
    if (changed.length > 0) this.sendFrame(this.encodeAwareness(changed));
  };

  private readonly onUnload = (): void => {
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], "window unload");
  };

  private encodeAwareness(clients: number[]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.awareness);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, clients));
    return encoding.toUint8Array(encoder);
  }

  private sendFrame(bytes: Uint8Array): void {
    // The server sends its sync step 1 while JoinDocument is still running, so replies go out while "joining";
    // before that (disconnected) the handshake after joining carries everything.
    if (this.status.value === "disconnected") return;
    // A read-only document sends no content (sync step 2 or updates), only step 1 and awareness.
    if (this.readOnly.value.readOnly && bytes[0] === MessageType.sync && bytes[1] !== syncProtocol.messageYjsSyncStep1) return;
    this.hub.send(HubMethods.sendFrame, this.documentId, bytes);
  }
}

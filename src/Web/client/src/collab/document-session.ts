// Everything behind one open text file: its Y.Doc, the IndexedDB copy, and either the SignalR provider or the
// REST fallback. The editor only sees `text`, `awareness` and the observables.
import { IndexeddbPersistence } from "y-indexeddb";
import { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { documentId as toDocumentId, type AwarenessUser } from "../api-types";
import type { ApiClient } from "../api/client";
import { Observable } from "./connection-state";
import type { CollabHub } from "./hub";
import { RestDocument } from "./rest-document";
import { SignalRProvider } from "./signalr-provider";

export type DocumentMode = "collab" | "rest";

/** The single line the status bar shows about this document. */
export interface DocumentStatus {
  text: string;
  tone: "ok" | "busy" | "warn" | "error";
}

export const indexedDbName = (documentId: string): string => `vibe:${documentId}`;

export class DocumentSession {
  readonly doc = new Y.Doc();
  readonly text: Y.Text = this.doc.getText("content");
  readonly documentId: string;
  readonly awareness: Awareness;
  readonly status = new Observable<DocumentStatus>({ text: "Loading…", tone: "busy" });
  readonly readOnly = new Observable<{ readOnly: boolean; reason: string | null }>({ readOnly: false, reason: null });
  /** True when there is content to show (IndexedDB copy loaded, server synced, or REST loaded). */
  readonly ready = new Observable<boolean>(false);
  readonly provider: SignalRProvider | null;
  readonly rest: RestDocument | null;
  private readonly persistence: IndexeddbPersistence | null;
  private readonly cleanup: (() => void)[] = [];

  private constructor(readonly mode: DocumentMode, hub: CollabHub | null, api: ApiClient, readonly projectId: string, readonly path: string, user: AwarenessUser) {
    this.documentId = toDocumentId(projectId, path);
    if (mode === "collab" && hub) {
      this.persistence = new IndexeddbPersistence(indexedDbName(this.documentId), this.doc);
      this.persistence.once("synced", () => { if (this.text.length > 0) this.ready.set(true); });
      this.provider = new SignalRProvider(hub, projectId, path, this.doc);
      this.awareness = this.provider.awareness;
      this.rest = null;
      const update = (): void => this.status.set(this.describeCollab(hub));
      this.cleanup.push(
        this.provider.status.subscribe(update),
        hub.state.subscribe(update),
        this.provider.synced.subscribe((synced) => { if (synced) this.ready.set(true); }),
        this.provider.savedVersion.subscribe(update),
        this.provider.readOnly.subscribe((r) => this.readOnly.set(r)),
      );
    } else {
      this.persistence = null;
      this.provider = null;
      this.awareness = new Awareness(this.doc);
      this.rest = new RestDocument(api, projectId, path, this.doc);
      const rest = this.rest;
      this.cleanup.push(rest.state.subscribe((s) => this.status.set(
        s === "loading" ? { text: "Loading…", tone: "busy" }
          : s === "saving" ? { text: "Saving…", tone: "busy" }
            : s === "unsaved" ? { text: "Unsaved changes", tone: "busy" }
              : s === "error" ? { text: `Save failed: ${rest.error.value ?? ""}`, tone: "error" }
                : { text: "Saved", tone: "ok" })));
    }
    this.awareness.setLocalStateField("user", user);
  }

  /** Opens a document; in REST mode resolves after loading and returns the raw bytes for binary detection. */
  static async open(hub: CollabHub | null, api: ApiClient, projectId: string, path: string, user: AwarenessUser): Promise<{ session: DocumentSession; bytes: Uint8Array | null }> {
    const mode: DocumentMode = hub && hub.available.value !== false ? "collab" : "rest";
    const session = new DocumentSession(mode, hub, api, projectId, path, user);
    if (session.rest) {
      const bytes = await session.rest.load();
      session.ready.set(true);
      return { session, bytes };
    }
    return { session, bytes: null };
  }

  setUser(user: AwarenessUser): void {
    this.awareness.setLocalStateField("user", user);
  }

  destroy(): void {
    for (const off of this.cleanup) off();
    this.provider?.destroy();
    this.rest?.destroy();
    void this.persistence?.destroy();
    if (!this.provider) this.awareness.destroy();
    this.doc.destroy();
  }

  private describeCollab(hub: CollabHub): DocumentStatus {
    const status = this.provider!.status.value;
    if (hub.state.value === "offline") return { text: "Offline — edits are kept in this browser", tone: "warn" };
    if (hub.state.value === "connecting" || status === "disconnected") return { text: "Reconnecting — edits are kept in this browser", tone: "warn" };
    if (status === "joining" || status === "syncing") return { text: "Syncing…", tone: "busy" };
    const version = this.provider!.savedVersion.value;
    return { text: version === null ? "Live" : `Live · saved (v${version})`, tone: "ok" };
  }
}

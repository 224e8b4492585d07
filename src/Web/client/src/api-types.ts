// Types shared with the Vibe server, mirrored by hand from src/Web (REST) and docs/collab-protocol.md (hub).
// Keep this the only place that knows the wire shapes.

export type ProjectRole = "admin" | "editor" | "viewer" | "none";
export type ProjectTemplate = "blank" | "react";

/** POST /api/auth/session → Identity/AuthEndpoints.cs SessionResponse */
export interface SessionResponse {
  token: string;
  expiresAt: string;
  pubkey: string;
}

/** GET /api/me → MeResponse */
export interface MeResponse {
  pubkey: string;
  npub: string;
  admin: boolean;
  projects: string[];
  /** The profile collaborators see; null until the user sets one. */
  name: string | null;
  color: string | null;
}

/** Projects/ProjectEndpoints.cs MemberView */
export interface MemberView {
  pubkey: string;
  role: ProjectRole;
}

/** Projects/ProjectEndpoints.cs ProjectView */
export interface ProjectView {
  id: string;
  name: string;
  owner: string;
  template: string;
  members: MemberView[];
  createdAt: string;
  archived: boolean;
  role: ProjectRole;
}

/** POST /api/projects body */
export interface CreateProjectRequest {
  name: string;
  template: ProjectTemplate;
}

/** Files/FileEndpoints.cs TreeEntryView; path is workspace-relative with a leading slash ("/src/App.tsx"). */
export interface TreeEntryView {
  path: string;
  kind: "file" | "dir";
  size: number;
  modified: string;
}

/** POST /api/projects/{id}/files:move body */
export interface MoveRequest {
  from: string;
  to: string;
}

/** Preview/PreviewViews.cs: where a preview stands. */
export type PreviewState = "stopped" | "installing" | "building" | "ready" | "error";

/** GET /api/projects/{id}/preview → PreviewView; url carries a token for the preview origin. */
export interface PreviewView {
  url: string;
  status: PreviewState;
  message: string | null;
  tokenExpiresAt: string;
}

/** RFC 7807 problem details with Vibe's stable error code. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
}

// ---- /hubs/collab (MessagePack, camelCase maps) ----

/** JoinProject result */
export interface ProjectJoined {
  projectId: string;
  role: ProjectRole;
}

/** JoinDocument result */
export interface DocumentJoined {
  documentId: string;
  role: ProjectRole;
  readOnly: boolean;
}

/** PresenceChanged payload */
export interface Presence {
  kind: "joined" | "left";
  pubkey: string;
  name: string;
  color: string;
  documentId: string | null;
}

/** TreeChanged payload */
export interface TreeChange {
  kind: "created" | "modified" | "deleted" | "moved";
  path: string;
  from: string | null;
  fileKind: "file" | "dir";
}

/** AddComment result, ListComments items, CommentAdded payload; anchors are encoded Y relative positions. */
export interface Comment {
  id: string;
  path: string;
  anchorStart: Uint8Array;
  anchorEnd: Uint8Array;
  text: string;
  author: string;
  createdAt: string | Date;
  resolved: boolean;
}

/** PreviewStatus payload (docs/collab-protocol.md) */
export interface PreviewStatusView {
  status: PreviewState;
  message: string | null;
  since: string | Date;
}

/** Hub method names, client → server. */
export const HubMethods = {
  joinProject: "JoinProject",
  leaveProject: "LeaveProject",
  joinDocument: "JoinDocument",
  leaveDocument: "LeaveDocument",
  sendFrame: "SendFrame",
  addComment: "AddComment",
  resolveComment: "ResolveComment",
  listComments: "ListComments",
} as const;

/** Hub event names, server → client. */
export const HubEvents = {
  frame: "Frame",
  frameRejected: "FrameRejected",
  presenceChanged: "PresenceChanged",
  treeChanged: "TreeChanged",
  commentAdded: "CommentAdded",
  commentResolved: "CommentResolved",
  documentSaved: "DocumentSaved",
  documentClosed: "DocumentClosed",
  previewStatus: "PreviewStatus",
} as const;

/** A document is one text file of a project: `{projectId}/{path}` without the path's leading slash. */
export function documentId(projectId: string, path: string): string {
  return `${projectId}/${path.replace(/^\/+/, "")}`;
}

/** The user fields y-codemirror.next reads from awareness (`user.name`, `user.color`, `user.colorLight`), plus the key. */
export interface AwarenessUser {
  name: string;
  color: string;
  colorLight: string;
  pubkey: string;
}

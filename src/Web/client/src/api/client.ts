// REST calls to the Vibe node with the session's bearer token; one retry with a fresh session on 401.
import type {
  CreateProjectRequest, MeResponse, MoveRequest, PreviewView, ProjectView, TreeEntryView,
} from "../api-types";
import type { Session } from "../auth/session";
import { ApiError, readProblem } from "./errors";

const encodePath = (path: string): string =>
  path.replace(/^\/+/, "").split("/").map(encodeURIComponent).join("/");

export class ApiClient {
  constructor(private readonly session: Session) {}

  me = (): Promise<MeResponse> => this.json("GET", "/api/me");
  setProfile = (profile: { name: string; color: string }): Promise<{ name: string; color: string }> => this.json("PUT", "/api/me/profile", profile);
  listProjects = (): Promise<ProjectView[]> => this.json("GET", "/api/projects");
  getProject = (id: string): Promise<ProjectView> => this.json("GET", `/api/projects/${encodeURIComponent(id)}`);
  createProject = (body: CreateProjectRequest): Promise<ProjectView> => this.json("POST", "/api/projects", body);

  tree = (projectId: string, path = "/"): Promise<TreeEntryView[]> =>
    this.json("GET", `/api/projects/${encodeURIComponent(projectId)}/tree?path=${encodeURIComponent(path)}`);

  async readFile(projectId: string, path: string): Promise<Uint8Array> {
    const response = await this.send("GET", this.fileUrl(projectId, path));
    return new Uint8Array(await response.arrayBuffer());
  }

  writeFile = (projectId: string, path: string, bytes: Uint8Array): Promise<TreeEntryView> =>
    this.send("PUT", this.fileUrl(projectId, path), bytes, "application/octet-stream").then((r) => r.json());

  deleteFile = (projectId: string, path: string): Promise<void> =>
    this.send("DELETE", this.fileUrl(projectId, path)).then(() => undefined);

  makeDirectory = (projectId: string, path: string): Promise<TreeEntryView> =>
    this.json("POST", `/api/projects/${encodeURIComponent(projectId)}/dirs/${encodePath(path)}`);

  move = (projectId: string, body: MoveRequest): Promise<TreeEntryView> =>
    this.json("POST", `/api/projects/${encodeURIComponent(projectId)}/files:move`, body);

  /** Starts the preview if needed; the URL's token opens the preview origin for this user and project. */
  preview = (projectId: string): Promise<PreviewView> =>
    this.json("GET", `/api/projects/${encodeURIComponent(projectId)}/preview`);

  /** A log of the project (/logs/{name} in its namespace), as text. */
  async readLog(projectId: string, name: string): Promise<string> {
    const response = await this.send("GET", `/api/projects/${encodeURIComponent(projectId)}/logs/${encodePath(name)}`);
    return response.text();
  }

  private fileUrl = (projectId: string, path: string): string =>
    `/api/projects/${encodeURIComponent(projectId)}/files/${encodePath(path)}`;

  private async json<T>(method: string, url: string, body?: unknown): Promise<T> {
    const response = body === undefined
      ? await this.send(method, url)
      : await this.send(method, url, new TextEncoder().encode(JSON.stringify(body)), "application/json");
    return (await response.json()) as T;
  }

  private async send(method: string, url: string, body?: Uint8Array, contentType?: string): Promise<Response> {
    const attempt = async (token: string): Promise<Response> => {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (contentType) headers["Content-Type"] = contentType;
      return fetch(url, { method, headers, body: body as BodyInit | undefined });
    };
    let response = await attempt(await this.session.token());
    if (response.status === 401) response = await attempt((await this.session.renew()).token);
    if (!response.ok) throw new ApiError(response.status, await readProblem(response));
    return response;
  }
}

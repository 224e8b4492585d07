// Server errors arrive as RFC 7807 problem details with a stable `code`; keep both for the UI.
import type { ProblemDetails } from "../api-types";

export class ApiError extends Error {
  readonly code: string;
  constructor(readonly status: number, readonly problem: ProblemDetails) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.code = problem.code ?? `http.${status}`;
  }
}

export async function readProblem(response: Response): Promise<ProblemDetails> {
  const text = await response.text().catch(() => "");
  try {
    return JSON.parse(text) as ProblemDetails;
  } catch {
    return { status: response.status, title: text || response.statusText };
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}

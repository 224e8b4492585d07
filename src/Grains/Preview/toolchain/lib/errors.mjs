// Compile errors in the shape the protocol and the overlay use: file, line (1-based), column
// (0-based), message and a code frame. Anything thrown inside an op becomes one of these, so a bad
// input never takes the worker down. The browser client bundles codeFrame too (runtime errors).

export class CompileError extends Error {
  /** @param {string} message @param {string|null} file @param {number} line @param {number} column @param {string} [source] */
  constructor(message, file, line = 0, column = 0, source) {
    super(message);
    this.file = file;
    this.line = line;
    this.column = column;
    this.frame = source != null && line > 0 ? codeFrame(source, line, column) : "";
  }

  toJSON() {
    return { message: this.message, file: this.file, line: this.line, column: this.column, frame: this.frame };
  }
}

/** Two lines of context either side of the error line and a caret under the column. */
export function codeFrame(source, line, column) {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 2);
  const width = String(last).length;
  const out = [];
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? "").replace(/\t/g, "  ");
    out.push(`${n === line ? ">" : " "} ${String(n).padStart(width)} | ${text}`);
    if (n === line) {
      const before = (lines[n - 1] ?? "").slice(0, column).replace(/\t/g, "  ");
      out.push(`  ${" ".repeat(width)} | ${" ".repeat(before.length)}^`);
    }
  }
  return out.join("\n");
}

/** The 1-based line and 0-based column of a character offset. */
export function positionAt(source, offset) {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: Math.max(0, offset - lineStart) };
}

/** Turns whatever was thrown into the protocol's error object. */
export function toErrorObject(err, file = null) {
  if (err instanceof CompileError) return err.toJSON();
  const first = err?.errors?.[0];
  if (first) {
    // esbuild's failure: the first message carries the location.
    const loc = first.location;
    return {
      message: first.text,
      file: loc?.file ?? file,
      line: loc?.line ?? 0,
      column: loc?.column ?? 0,
      frame: loc?.lineText != null ? `> ${loc.line} | ${loc.lineText}\n  ${" ".repeat(String(loc.line).length)} | ${" ".repeat(loc.column)}^` : "",
    };
  }
  return { message: String(err?.message ?? err), file, line: 0, column: 0, frame: "" };
}

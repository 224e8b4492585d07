// Runtime errors carry positions in the served (compiled) module; the overlay and the server want the
// line the person wrote. Every transformed module ends with an inline source map (with the sources'
// text), so the position is looked up there. Only used when an error happens.
export { codeFrame } from "../lib/errors.mjs";

const base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const digit = new Map([...base64].map((c, i) => [c, i]));

/** One line's segments of a source map's "mappings": arrays of up to five VLQ numbers. */
function decodeLine(text) {
  const segments = [];
  for (const part of text.split(",")) {
    if (!part) continue;
    const values = [];
    let value = 0;
    let shift = 0;
    for (const c of part) {
      const d = digit.get(c);
      if (d === undefined) return segments;
      value += (d & 31) << shift;
      if (d & 32) shift += 5;
      else {
        values.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
    }
    segments.push(values);
  }
  return segments;
}

/** The original position of a generated one (line 1-based, column 0-based), or null. */
export function lookup(map, line, column) {
  const lines = map.mappings.split(";");
  let source = 0;
  let originalLine = 0;
  let originalColumn = 0;
  let found = null;
  for (let i = 0; i < lines.length && i < line; i++) {
    let generatedColumn = 0;
    for (const s of decodeLine(lines[i])) {
      generatedColumn += s[0];
      if (s.length < 4) continue;
      source += s[1];
      originalLine += s[2];
      originalColumn += s[3];
      // The last segment at or before the column on the error's line.
      if (i === line - 1 && (generatedColumn <= column || found === null)) {
        found = { source, line: originalLine + 1, column: originalColumn };
      }
    }
  }
  if (!found) return null;
  const text = map.sourcesContent?.[found.source];
  return { file: map.sources?.[found.source], line: found.line, column: found.column, text };
}

/** The inline source map of a served module, or null. */
async function mapOf(url) {
  const response = await fetch(url);
  if (!response.ok) return null;
  const code = await response.text();
  const m = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
  if (!m) return null;
  const bytes = Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Maps a position in a served module (line 1-based, column 1-based as in stack traces). */
export async function originalPosition(url, line, column) {
  try {
    const map = await mapOf(url);
    return map ? lookup(map, line, Math.max(0, column - 1)) : null;
  } catch {
    return null;
  }
}

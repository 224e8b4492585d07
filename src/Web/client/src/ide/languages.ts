// Which CodeMirror language a file gets, by extension; and which files are binary (no editor).
import { css } from "@codemirror/lang-css";
import { html } from "@codemirror/lang-html";
import { javascript } from "@codemirror/lang-javascript";
import { json } from "@codemirror/lang-json";
import { markdown } from "@codemirror/lang-markdown";
import type { Extension } from "@codemirror/state";

interface LanguageInfo {
  label: string;
  load: () => Extension;
}

const LANGUAGES: Record<string, LanguageInfo> = {
  ts: { label: "TypeScript", load: () => javascript({ typescript: true }) },
  mts: { label: "TypeScript", load: () => javascript({ typescript: true }) },
  cts: { label: "TypeScript", load: () => javascript({ typescript: true }) },
  tsx: { label: "TypeScript JSX", load: () => javascript({ typescript: true, jsx: true }) },
  js: { label: "JavaScript", load: () => javascript() },
  mjs: { label: "JavaScript", load: () => javascript() },
  cjs: { label: "JavaScript", load: () => javascript() },
  jsx: { label: "JavaScript JSX", load: () => javascript({ jsx: true }) },
  css: { label: "CSS", load: () => css() },
  html: { label: "HTML", load: () => html() },
  htm: { label: "HTML", load: () => html() },
  svg: { label: "SVG", load: () => html() },
  json: { label: "JSON", load: () => json() },
  md: { label: "Markdown", load: () => markdown() },
  markdown: { label: "Markdown", load: () => markdown() },
};

const BINARY = new Set([
  "png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "bmp", "tif", "tiff",
  "woff", "woff2", "ttf", "otf", "eot", "zip", "gz", "tgz", "tar", "7z", "pdf",
  "mp3", "mp4", "webm", "ogg", "wav", "wasm", "exe", "dll", "so", "bin",
]);

const IMAGES = new Set(["png", "jpg", "jpeg", "gif", "webp", "avif", "ico", "bmp"]);

export const extensionOf = (path: string): string => {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
};

export const fileName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

export function languageOf(path: string): { label: string; extension: Extension | null } {
  const info = LANGUAGES[extensionOf(path)];
  return info ? { label: info.label, extension: info.load() } : { label: "Plain text", extension: null };
}

export const isBinaryPath = (path: string): boolean => BINARY.has(extensionOf(path));
export const isImagePath = (path: string): boolean => IMAGES.has(extensionOf(path));

/** Content that does not decode as UTF-8 or holds NUL bytes is shown as binary even with a text-like name. */
export function looksBinary(bytes: Uint8Array): boolean {
  if (bytes.subarray(0, 8000).includes(0)) return true;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

/** A short coloured badge for tabs and the tree. */
export function fileBadge(path: string): { text: string; color: string } {
  switch (extensionOf(path)) {
    case "ts": case "mts": case "cts": return { text: "TS", color: "#3178c6" };
    case "tsx": return { text: "TSX", color: "#3178c6" };
    case "js": case "mjs": case "cjs": return { text: "JS", color: "#e5b500" };
    case "jsx": return { text: "JSX", color: "#e5b500" };
    case "css": return { text: "#", color: "#a259ff" };
    case "html": case "htm": return { text: "<>", color: "#e44d26" };
    case "json": return { text: "{}", color: "#8bc34a" };
    case "md": case "markdown": return { text: "M↓", color: "#4aa3df" };
    case "svg": return { text: "SVG", color: "#ff9800" };
    default: return isBinaryPath(path) ? { text: "BIN", color: "#888" } : { text: "·", color: "#888" };
  }
}

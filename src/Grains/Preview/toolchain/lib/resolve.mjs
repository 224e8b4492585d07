// Import resolution on the working directory (the worker's cwd): relative and root-absolute specifiers
// become project paths ("/src/App.tsx"), bare ones are npm dependencies.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

/** Extensions that are served as JavaScript modules under their own URL (no ?import). */
export const scriptExtensions = new Set([".ts", ".tsx", ".js", ".jsx", ".mjs", ".mts", ".cjs", ".cts"]);

const tryExtensions = [".tsx", ".ts", ".jsx", ".js", ".mjs", ".json", ".css"];

export function isBare(specifier) {
  return !specifier.startsWith(".") && !specifier.startsWith("/") && !/^[a-zA-Z][a-zA-Z\d+.-]*:/.test(specifier);
}

/** Specifiers left as they are: URLs, data:, node: builtins. */
export function isExternal(specifier) {
  return /^[a-zA-Z][a-zA-Z\d+.-]*:/.test(specifier) || specifier.startsWith("//");
}

/** The file name of a pre-bundled dependency: "react-dom/client" → "react-dom_client". */
export function depFileName(specifier) {
  return specifier.replace(/\//g, "_");
}

function isFile(absolute) {
  return fs.statSync(absolute, { throwIfNoEntry: false })?.isFile() === true;
}

/**
 * Resolves a relative or root-absolute specifier imported by the project file `from` to a project path,
 * trying the extensions and index files the design lists; null when nothing is there.
 */
export function resolveProjectPath(specifier, from, cwd = process.cwd()) {
  const bare = specifier.replace(/[?#].*$/, "");
  const target = bare.startsWith("/") ? path.posix.normalize(bare) : path.posix.resolve(path.posix.dirname(from), bare);
  if (target.startsWith("/..") || target.includes("\0")) return null;
  const onDisk = (p) => path.join(cwd, p);
  if (isFile(onDisk(target))) return target;
  for (const ext of tryExtensions) if (isFile(onDisk(target + ext))) return target + ext;
  // TypeScript's ESM habit: "./util.js" names "./util.ts".
  const ext = path.posix.extname(target);
  if (ext === ".js" || ext === ".jsx" || ext === ".mjs") {
    const stem = target.slice(0, -ext.length);
    for (const ts of [".ts", ".tsx", ".mts"]) if (isFile(onDisk(stem + ts))) return stem + ts;
  }
  for (const ext of tryExtensions) if (isFile(onDisk(`${target}/index${ext}`))) return `${target}/index${ext}`;
  return null;
}

/** The URL a project path is imported by: scripts as themselves, everything else as a ?import module. */
export function moduleUrl(root, projectPath) {
  const ext = path.posix.extname(projectPath).toLowerCase();
  return scriptExtensions.has(ext) ? root + projectPath : `${root}${projectPath}?import`;
}

/** File types a package can ship for the page (a package name like "lodash.debounce" is not one). */
const assetExtensions = new Set([".css", ".json", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico",
  ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".webm", ".wav", ".wasm", ".txt"]);

/** A bare import of a file that is not a script ("bootstrap/dist/css/bootstrap.css"): served from node_modules, not pre-bundled. */
export function isBareAsset(specifier) {
  if (!isBare(specifier)) return false;
  const ext = path.posix.extname(specifier.replace(/[?#].*$/, "")).toLowerCase();
  return assetExtensions.has(ext);
}

/** The project path ("/node_modules/...") of a bare asset import, or null when it is not installed. */
export function resolvePackageFile(specifier, cwd = process.cwd()) {
  const bare = specifier.replace(/[?#].*$/, "");
  let file = null;
  try {
    file = createRequire(path.join(cwd, "package.json")).resolve(bare);
  } catch {
    // A package whose "exports" does not list the file: node_modules is still there to read.
    const direct = path.join(cwd, "node_modules", bare);
    if (isFile(direct)) file = direct;
  }
  if (!file) return null;
  const relative = path.relative(cwd, file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return null;
  return "/" + relative.split(path.sep).join("/");
}

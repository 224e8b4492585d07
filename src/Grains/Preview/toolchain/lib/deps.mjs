// Dependency pre-bundling: find the bare imports reachable from the entry HTML's module scripts, then
// bundle each into .vibe/deps/{name}.js (ESM, shared chunks), so the browser loads a handful of files
// instead of hundreds and React exists once. CommonJS packages get named exports from
// cjs-module-lexer (what node itself uses to import CommonJS from ESM).
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import * as esbuild from "esbuild";
import { init as lexerReady, parse as lexModule } from "es-module-lexer";
import { init as cjsReady, parse as lexCommonJs } from "cjs-module-lexer";
import { CompileError } from "./errors.mjs";
import { aliasTargets } from "./tsconfig.mjs";
import { depFileName, isBare, isBareAsset, resolveProjectPath, scriptExtensions } from "./resolve.mjs";

const depsDir = ".vibe/deps";
const metadataFile = "_metadata.json";
/** Bumped when the shape of the bundles changes, so old .vibe/deps are rebuilt. */
const bundleFormat = 1;

/** root → { map: spec → URL, unresolved: Set }. Filled by runDeps, or from _metadata.json after a restart. */
const known = new Map();

export function knownDeps(root, cwd = process.cwd()) {
  let deps = known.get(root);
  if (!deps) {
    deps = { map: new Map(), unresolved: new Set() };
    const meta = readMetadata(cwd);
    if (meta) deps = depsFromMetadata(root, meta);
    known.set(root, deps);
  }
  return deps;
}

function readMetadata(cwd) {
  try {
    return JSON.parse(fs.readFileSync(path.join(cwd, depsDir, metadataFile), "utf8"));
  } catch {
    return null;
  }
}

function depsFromMetadata(root, meta) {
  const map = new Map(Object.entries(meta.deps).map(([spec, file]) => [spec, `${root}/@deps/${file}`]));
  return { map, unresolved: new Set(meta.unresolved ?? []) };
}

/** One deps run at a time: two would empty and fill the same .vibe/deps under each other. */
let running = Promise.resolve();

export function runDeps(request, cwd = process.cwd()) {
  const run = running.then(() => prebundle(request, cwd));
  running = run.catch(() => {});
  return run;
}

async function prebundle({ root, entry }, cwd) {
  if (typeof root !== "string") throw new CompileError('deps needs "root"', null);
  const entryPath = typeof entry === "string" && entry ? entry.replace(/^\/+/, "") : "index.html";
  const html = readEntry(cwd, entryPath);
  const scripts = moduleScripts(html, entryPath);

  const bare = await scanBareImports(cwd, entryPath, scripts);
  if ([...bare].some((s) => s === "react" || s.startsWith("react/") || s.startsWith("react-dom"))) bare.add("react/jsx-dev-runtime");
  const specs = [...bare].sort();

  const hash = stateHash(cwd, specs);
  const previous = readMetadata(cwd);
  let meta;
  if (previous?.hash === hash && Object.values(previous.deps).every((f) => fs.existsSync(path.join(cwd, depsDir, f)))) {
    meta = previous;
  } else {
    meta = await bundle(cwd, specs, hash);
  }
  const deps = depsFromMetadata(root, meta);
  known.set(root, deps);
  const answer = { deps: Object.fromEntries(deps.map) };
  if (deps.unresolved.size) answer.unresolved = [...deps.unresolved];
  return answer;
}

function readEntry(cwd, entryPath) {
  const file = path.join(cwd, entryPath);
  if (!path.resolve(file).startsWith(path.resolve(cwd))) throw new CompileError(`entry ${entryPath} is outside the project`, entryPath);
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    throw new CompileError(`The entry ${entryPath} does not exist`, "/" + entryPath);
  }
}

/** The module scripts of the entry HTML: { src } for files (project paths), { code } for inline ones. */
export function moduleScripts(html, entryPath) {
  const scripts = [];
  const tag = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
  for (const m of html.matchAll(tag)) {
    const attrs = m[1];
    if (!/\btype\s*=\s*["']?module\b/i.test(attrs)) continue;
    const src = /\bsrc\s*=\s*(["'])(.*?)\1/i.exec(attrs)?.[2] ?? /\bsrc\s*=\s*([^\s>]+)/i.exec(attrs)?.[1];
    if (src) {
      if (/^[a-z]+:|^\/\//i.test(src)) continue;
      const clean = src.replace(/[?#].*$/, "");
      scripts.push({ src: clean.startsWith("/") ? clean : path.posix.resolve("/" + path.posix.dirname(entryPath), clean) });
    } else if (m[2].trim()) {
      scripts.push({ code: m[2] });
    }
  }
  return scripts;
}

/** esbuild walks the project's own modules; bare imports are recorded and left external. */
async function scanBareImports(cwd, entryPath, scripts) {
  const found = new Set();
  if (!scripts.length) return found;
  const inline = [];
  const entryPoints = scripts.map((s) => {
    if (s.src) return path.join(cwd, s.src);
    inline.push(s.code);
    return `vibe-inline:${inline.length - 1}`;
  });
  const scanner = {
    name: "vibe-scan",
    setup(build) {
      build.onResolve({ filter: /^vibe-inline:/ }, (args) => ({ path: args.path, namespace: "vibe-inline" }));
      build.onLoad({ filter: /.*/, namespace: "vibe-inline" }, (args) => ({
        contents: inline[Number(args.path.slice("vibe-inline:".length))],
        loader: "tsx",
        resolveDir: path.join(cwd, path.dirname(entryPath)),
      }));
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === "entry-point" || !isBare(args.path)) return undefined;
        // tsconfig "paths" aliases are project files, resolved as the transform does (esbuild does not
        // follow a solution-style tsconfig's references), and the scan goes on into them.
        const aliased = aliasTargets(args.path, cwd);
        if (aliased.length) {
          const from = "/" + path.relative(cwd, args.importer).split(path.sep).join("/");
          const resolved = aliased.map((target) => resolveProjectPath(target, from, cwd)).find((p) => p != null);
          return resolved ? { path: path.join(cwd, resolved) } : undefined;
        }
        // A package's stylesheet or asset is served from node_modules as it is, not pre-bundled.
        if (!isBareAsset(args.path)) found.add(args.path);
        return { path: args.path, external: true };
      });
      // Only scripts can import packages; stylesheets, JSON and assets are not followed.
      build.onLoad({ filter: /.*/ }, (args) =>
        scriptExtensions.has(path.extname(args.path).toLowerCase()) ? undefined : { contents: "", loader: "empty" });
    },
  };
  try {
    await esbuild.build({
      absWorkingDir: cwd,
      entryPoints,
      bundle: true,
      write: false,
      format: "esm",
      outdir: "/vibe-scan",
      loader: { ".js": "jsx" },
      jsx: "automatic",
      jsxDev: true,
      logLevel: "silent",
      plugins: [scanner],
    });
  } catch {
    // A module with a syntax error or a missing file stops the scan, not the deps: what was found is
    // bundled, and the transform of the broken module reports the error with its line.
  }
  return found;
}

function stateHash(cwd, specs) {
  const hash = crypto.createHash("sha256");
  hash.update(`${bundleFormat}\n${specs.join("\n")}\n`);
  for (const f of ["package-lock.json", "package.json", "node_modules/.package-lock.json"]) {
    try {
      hash.update(fs.readFileSync(path.join(cwd, f)));
    } catch {
      hash.update("-");
    }
  }
  return hash.digest("hex").slice(0, 16);
}

async function bundle(cwd, specs, hash) {
  const outdir = path.join(cwd, depsDir);
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const unresolved = [];
  const entries = {
    name: "vibe-dep-entries",
    setup(build) {
      build.onResolve({ filter: /^vibe-dep:/ }, (args) => ({ path: args.path.slice("vibe-dep:".length), namespace: "vibe-dep" }));
      build.onLoad({ filter: /.*/, namespace: "vibe-dep" }, async (args) => {
        const r = await build.resolve(args.path, { kind: "import-statement", resolveDir: cwd });
        if (r.errors.length || !r.path || r.external) {
          // Not installed: the transform of a module importing it says so, with the import's line.
          unresolved.push(args.path);
          return { contents: "", loader: "js" };
        }
        return { contents: entryModule(r.path), loader: "js", resolveDir: cwd };
      });
    },
  };
  await cjsReady();
  await lexerReady;
  if (specs.length) {
    try {
      await esbuild.build({
        absWorkingDir: cwd,
        entryPoints: specs.map((spec) => ({ in: `vibe-dep:${spec}`, out: depFileName(spec) })),
        bundle: true,
        format: "esm",
        splitting: true,
        platform: "browser",
        target: "es2022",
        outdir,
        chunkNames: "chunk-[hash]",
        define: { "process.env.NODE_ENV": '"development"', global: "globalThis" },
        logLevel: "silent",
        plugins: [entries],
      });
    } catch (err) {
      const first = err?.errors?.[0];
      const loc = first?.location;
      throw new CompileError(`Pre-bundling the dependencies failed: ${first?.text ?? err.message}`, loc?.file ?? null, loc?.line ?? 0, loc?.column ?? 0);
    }
  }
  for (const spec of unresolved) fs.rmSync(path.join(outdir, depFileName(spec) + ".js"), { force: true });
  const good = specs.filter((s) => !unresolved.includes(s));
  const meta = { hash, deps: Object.fromEntries(good.map((s) => [s, depFileName(s) + ".js"])), unresolved: unresolved.sort() };
  fs.writeFileSync(path.join(outdir, metadataFile), JSON.stringify(meta, null, 2));
  return meta;
}

/** The entry module of one dependency: ESM re-exported as is, CommonJS with named exports. */
function entryModule(file) {
  const from = JSON.stringify(file);
  const text = fs.readFileSync(file, "utf8");
  let esm = false;
  let hasDefault = false;
  try {
    const [, exports, , hasModuleSyntax] = lexModule(text);
    esm = hasModuleSyntax;
    hasDefault = exports.some((e) => e.name === "default");
  } catch {
    esm = false;
  }
  if (esm) return `export * from ${from};\n` + (hasDefault ? `export { default } from ${from};\n` : "");
  const names = [...commonJsExports(file, new Set())].filter((n) => n !== "default" && n !== "__esModule" && isPlainIdentifier(n));
  return `import * as __vibe_ns from ${from};\nexport default __vibe_ns.default;\n` +
    (names.length ? `export const { ${names.join(", ")} } = __vibe_ns;\n` : "");
}

/** Export names of a CommonJS file, following `module.exports = require(...)` re-exports. */
function commonJsExports(file, seen) {
  const names = new Set();
  if (seen.has(file) || seen.size > 20) return names;
  seen.add(file);
  let lexed;
  try {
    lexed = lexCommonJs(fs.readFileSync(file, "utf8"));
  } catch {
    return names;
  }
  for (const n of lexed.exports) names.add(n);
  const require = createRequire(file);
  for (const r of lexed.reexports) {
    try {
      for (const n of commonJsExports(require.resolve(r), seen)) names.add(n);
    } catch {
      // An optional re-export that is not installed.
    }
  }
  return names;
}

const reserved = new Set(("break case catch class const continue debugger default delete do else enum export extends false " +
  "finally for function if import in instanceof new null return super switch this throw true try typeof var void while with " +
  "yield let static implements interface package private protected public await arguments eval").split(" "));

function isPlainIdentifier(name) {
  return /^[A-Za-z_$][\w$]*$/.test(name) && !reserved.has(name);
}

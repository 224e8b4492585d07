// One file → one browser module: esbuild strips types and compiles JSX, es-module-lexer finds the
// imports and they are rewritten to preview URLs, React components get Refresh registrations.
import path from "node:path";
import * as esbuild from "esbuild";
import { init as lexerReady, parse as lexImports } from "es-module-lexer";
import { CompileError, positionAt } from "./errors.mjs";
import { depFileName, isBare, isBareAsset, isExternal, moduleUrl, resolvePackageFile, resolveProjectPath, scriptExtensions } from "./resolve.mjs";
import { mayHaveComponents, registerComponents } from "./refresh.mjs";
import { knownDeps } from "./deps.mjs";
import { aliasTargets, tsconfigRaw } from "./tsconfig.mjs";

/** The design's cap on one module's output. */
const maxOutput = 8 * 1024 * 1024;

const loaders = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx", ".js": "jsx", ".jsx": "jsx", ".mjs": "js", ".cjs": "js" };

/** @returns {Promise<{code: string, imports: object[], selfAccepting: boolean, missingDeps?: string[]}>} */
export async function transform({ root, path: file, code, as }) {
  if (typeof root !== "string" || typeof file !== "string" || !file.startsWith("/")) {
    throw new CompileError('transform needs "root" and a project "path" starting with "/"', null);
  }
  if (typeof code !== "string") throw new CompileError('transform needs the file\'s text in "code"', file);
  const ext = path.posix.extname(file).toLowerCase();
  let result;
  if (as === "css") result = { code: rewriteCssUrls(code, root, file), imports: [], selfAccepting: false };
  else if (as !== undefined && as !== "module") throw new CompileError(`unknown "as": ${JSON.stringify(as)} (module or css)`, file);
  else if (scriptExtensions.has(ext)) result = await transformScript(root, file, code, ext);
  else if (ext === ".css") result = cssModule(root, file, code);
  else if (ext === ".json") result = jsonModule(file, code);
  else result = { code: `export default ${JSON.stringify(root + file)};\n`, imports: [], selfAccepting: false };
  if (result.code.length > maxOutput) throw new CompileError(`${file} compiles to more than 8 MiB`, file);
  return result;
}

export async function transformScript(root, file, source, ext) {
  let compiled;
  try {
    compiled = await esbuild.transform(source, {
      loader: loaders[ext],
      sourcefile: file,
      format: "esm",
      jsx: "automatic",
      jsxDev: true,
      sourcemap: "external",
      sourcesContent: true,
      target: "es2022",
      tsconfigRaw: tsconfigRaw(),
      define: devDefines(root),
      logLevel: "silent",
    });
  } catch (err) {
    const first = err?.errors?.[0];
    if (!first) throw err;
    const loc = first.location;
    throw new CompileError(first.text, file, loc?.line ?? 0, loc?.column ?? 0, source);
  }

  let code = compiled.code;
  let map = compiled.map ? JSON.parse(compiled.map) : null;
  let components = null;
  // Only React modules get refresh registrations (a Preact or plain module's capitalised names are not
  // React components, and Babel is the larger part of a transform).
  if (importsReact(code) && mayHaveComponents(code)) {
    const registered = await registerComponents(code, map, file);
    if (registered) ({ code, map, components } = registered);
  }

  await lexerReady;
  let imports;
  let exports;
  try {
    [imports, exports] = lexImports(code, file);
  } catch (err) {
    // esbuild's output always lexes; this is a guard, not a path we expect.
    throw new CompileError(`could not read the imports of the compiled module: ${err.message}`, file);
  }

  const deps = knownDeps(root);
  const listed = [];
  const missing = new Set();
  let out = "";
  let last = 0;
  let usesHot = false;
  for (const imp of imports) {
    if (imp.type === "import-meta") {
      if (code.startsWith(".hot", imp.end)) usesHot = true;
      continue;
    }
    const specifier = imp.specifier;
    if (typeof specifier !== "string" || isExternal(specifier)) continue;
    let url;
    const aliased = isBare(specifier) ? aliasTargets(specifier) : [];
    if (aliased.length) {
      // A tsconfig "paths" alias ("@/ui/Button"): a project file, never a package.
      const resolved = aliased.map((target) => resolveProjectPath(target, file)).find((p) => p != null);
      if (!resolved) throw importError(`Failed to resolve import "${specifier}" from "${file}" (tsconfig paths: ${aliased.join(", ")}). Does the file exist?`, file, source, specifier);
      url = moduleUrl(root, resolved);
      listed.push({ specifier, url, kind: "module", path: resolved });
    } else if (isBareAsset(specifier)) {
      const resolved = resolvePackageFile(specifier);
      if (!resolved) throw importError(`Cannot find "${specifier}" imported by ${file}: is its package installed?`, file, source, specifier);
      url = moduleUrl(root, resolved);
      listed.push({ specifier, url, kind: "module", path: resolved });
    } else if (isBare(specifier)) {
      url = deps.map.get(specifier);
      if (url) listed.push({ specifier, url, kind: "dep" });
      else if (deps.unresolved.has(specifier)) {
        throw importError(`Cannot find the package "${specifier}" imported by ${file}: is it in package.json and installed?`, file, source, specifier);
      } else {
        url = `${root}/@deps/${depFileName(specifier)}.js`;
        missing.add(specifier);
        listed.push({ specifier, url, kind: "dep" });
      }
    } else {
      const resolved = resolveProjectPath(specifier, file);
      if (!resolved) throw importError(`Failed to resolve import "${specifier}" from "${file}". Does the file exist?`, file, source, specifier);
      url = moduleUrl(root, resolved);
      listed.push({ specifier, url, kind: "module", path: resolved });
    }
    // Static imports give the specifier without quotes, dynamic ones with them.
    const quoted = imp.type === "dynamic";
    out += code.slice(last, imp.start) + (quoted ? JSON.stringify(url) : url);
    last = imp.end;
  }
  out += code.slice(last);

  // A boundary: every export is a registered component (what Vite's plugin-react accepts too), or the
  // module accepts itself through import.meta.hot.accept() / accept(callback).
  const selfAccepting =
    (components != null && exports.length > 0 && exports.every((e) => e.type === "direct" && e.localName != null && components.has(e.localName))) ||
    (usesHot && /import\.meta\.hot\.accept\(\s*(?:\)|\(|function\b|async\b|[A-Za-z_$][\w$]*\s*=>)/.test(code));

  const header = [];
  if (components || usesHot || selfAccepting) {
    header.push(`import { createHotContext as __vibe_hot } from "${root}/@vibe/client.js";`);
    header.push(`import.meta.hot = __vibe_hot(${JSON.stringify(file)});`);
  }
  if (components) {
    header.push(
      `import { register as __vibe_register, createSignatureFunctionForTransform as __vibe_signature } from "${root}/@vibe/refresh.js";`,
      `const $RefreshReg$ = (type, id) => __vibe_register(type, ${JSON.stringify(file + " ")} + id), $RefreshSig$ = __vibe_signature;`,
    );
  }
  // The header is one line, so the source map only shifts by one line.
  let result = header.length ? header.join(" ") + "\n" + out.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "") : out.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "");
  if (selfAccepting && components) result += "\nimport.meta.hot.accept();";
  if (map) {
    if (header.length) map.mappings = ";" + map.mappings;
    result += `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString("base64")}\n`;
  }
  const answer = { code: result, imports: listed, selfAccepting };
  if (missing.size) answer.missingDeps = [...missing];
  return answer;
}

function importsReact(code) {
  return /\bfrom\s*["']react(?:-dom)?(?:\/[^"']*)?["']/.test(code);
}

const definesByRoot = new Map();

/** process.env.NODE_ENV and Vite's import.meta.env, as a development server defines them. */
function devDefines(root) {
  let defines = definesByRoot.get(root);
  if (!defines) {
    const env = { MODE: "development", DEV: true, PROD: false, SSR: false, BASE_URL: root + "/" };
    defines = { "process.env.NODE_ENV": '"development"', "import.meta.env": JSON.stringify(env) };
    definesByRoot.set(root, defines);
  }
  return defines;
}

/** The error for an import, placed on the import's line in the file's own text. */
function importError(message, file, source, specifier) {
  let offset = -1;
  for (const quote of ['"', "'", "`"]) {
    const at = source.indexOf(quote + specifier + quote);
    if (at >= 0 && (offset < 0 || at < offset)) offset = at;
  }
  const { line, column } = offset >= 0 ? positionAt(source, offset) : { line: 1, column: 0 };
  return new CompileError(message, file, line, column, source);
}

/** A stylesheet as a module: inserts or replaces its <style> and accepts its own updates. */
function cssModule(root, file, source) {
  const css = rewriteCssUrls(source, root, file);
  const id = JSON.stringify(file);
  const code =
    `import { createHotContext as __vibe_hot, updateStyle as __vibe_updateStyle } from "${root}/@vibe/client.js";\n` +
    `import.meta.hot = __vibe_hot(${id});\n` +
    `const css = ${JSON.stringify(css)};\n` +
    `__vibe_updateStyle(${id}, css);\n` +
    `import.meta.hot.accept();\n` +
    `export default css;\n`;
  return { code, imports: [], selfAccepting: true };
}

/**
 * url(...) in a <style> resolves against the page, not the stylesheet: root-absolute and relative
 * URLs become preview URLs. Others (http:, data:, #fragment) stay.
 */
function rewriteCssUrls(css, root, file) {
  return css.replace(/url\(\s*(["']?)([^"')]+)\1\s*\)/g, (whole, quote, url) => {
    if (isExternal(url) || url.startsWith("#") || url.startsWith(root + "/")) return whole;
    const target = url.startsWith("/") ? url : path.posix.resolve(path.posix.dirname(file), url.replace(/[?#].*$/, "")) + (url.match(/[?#].*$/)?.[0] ?? "");
    return `url(${quote}${root}${target}${quote})`;
  });
}

function jsonModule(file, source) {
  try {
    JSON.parse(source);
  } catch (err) {
    const at = /position (\d+)/.exec(err.message);
    const { line, column } = at ? positionAt(source, Number(at[1])) : { line: 1, column: 0 };
    throw new CompileError(`Invalid JSON: ${err.message}`, file, line, column, source);
  }
  return { code: `export default ${source.trim()};\n`, imports: [], selfAccepting: false };
}

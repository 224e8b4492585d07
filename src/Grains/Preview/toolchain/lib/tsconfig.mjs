// What the project's tsconfig.json says that matters to the preview: the compiler options that change
// how esbuild compiles one file (jsxImportSource for Preact or Emotion, decorators, class fields) and
// `paths` aliases ("@/*" → "./src/*"). Follows `extends` (relative files) and `references` (Vite's
// tsconfig.app.json). Read again when any of those files changes.
import fs from "node:fs";
import path from "node:path";

const used = ["jsxImportSource", "jsxFactory", "jsxFragmentFactory", "experimentalDecorators",
  "useDefineForClassFields", "verbatimModuleSyntax", "preserveValueImports", "importsNotUsedAsValues", "alwaysStrict"];

/** The last answer and the files (with modification times) it was read from. */
let cached = { cwd: null, stamps: [], value: null };

/** Compiler options for esbuild's transform (undefined when there is no usable tsconfig). */
export function tsconfigRaw(cwd = process.cwd()) {
  return projectConfig(cwd).compilerOptions;
}

/**
 * The project paths an aliased specifier may name, in the order tsconfig lists them ("@/ui/Button" →
 * ["/src/ui/Button"]); empty when no alias matches.
 */
export function aliasTargets(specifier, cwd = process.cwd()) {
  for (const alias of projectConfig(cwd).aliases) {
    if (alias.wildcard) {
      if (specifier.startsWith(alias.prefix) && specifier.endsWith(alias.suffix) && specifier.length >= alias.prefix.length + alias.suffix.length) {
        const middle = specifier.slice(alias.prefix.length, specifier.length - alias.suffix.length);
        return alias.targets.map((t) => t.replace("*", middle));
      }
    } else if (specifier === alias.prefix) {
      return alias.targets;
    }
  }
  return [];
}

function projectConfig(cwd) {
  if (cached.cwd === cwd && cached.stamps.every(([file, time]) => mtime(file) === time)) return cached.value;
  const root = path.join(cwd, "tsconfig.json");

  const files = [];
  const read = (file, depth = 0) => {
    files.push(file);
    const json = readJsonc(file);
    if (!json || depth > 5) return {};
    let options = {};
    for (const base of [json.extends].flat()) {
      if (typeof base === "string" && base.startsWith(".")) {
        const target = path.resolve(path.dirname(file), base.endsWith(".json") ? base : base + ".json");
        options = { ...options, ...read(target, depth + 1) };
      }
    }
    const own = { ...(json.compilerOptions ?? {}) };
    // paths are relative to the file that declares them (or to its baseUrl).
    if (own.paths || own.baseUrl) own.__pathsBase = path.resolve(path.dirname(file), own.baseUrl ?? ".");
    options = { ...options, ...own };
    if (depth === 0 && Array.isArray(json.references)) {
      for (const ref of json.references) {
        if (typeof ref?.path !== "string") continue;
        let target = path.resolve(path.dirname(file), ref.path);
        if (!target.endsWith(".json")) target = path.join(target, "tsconfig.json");
        const referenced = read(target, depth + 1);
        // A solution-style tsconfig.json: the app's settings live in the referenced file.
        for (const [k, v] of Object.entries(referenced)) if (options[k] === undefined) options[k] = v;
      }
    }
    return options;
  };
  const options = read(root);

  const compilerOptions = {};
  for (const k of used) if (options[k] !== undefined) compilerOptions[k] = options[k];
  const aliases = [];
  if (options.paths && typeof options.paths === "object") {
    const base = options.__pathsBase ?? cwd;
    for (const [pattern, targets] of Object.entries(options.paths)) {
      if (!Array.isArray(targets)) continue;
      const star = pattern.indexOf("*");
      const projectTargets = targets
        .filter((t) => typeof t === "string")
        .map((t) => "/" + path.relative(cwd, path.resolve(base, t)).split(path.sep).join("/"))
        .filter((t) => !t.startsWith("/.."));
      aliases.push({
        wildcard: star >= 0,
        prefix: star >= 0 ? pattern.slice(0, star) : pattern,
        suffix: star >= 0 ? pattern.slice(star + 1) : "",
        targets: projectTargets,
      });
    }
    // The longest prefix wins, as in TypeScript.
    aliases.sort((a, b) => b.prefix.length - a.prefix.length);
  }
  const value = { compilerOptions: Object.keys(compilerOptions).length ? { compilerOptions } : undefined, aliases };
  cached = { cwd, stamps: files.map((f) => [f, mtime(f)]), value };
  return value;
}

function mtime(file) {
  return fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/** tsconfig is JSON with comments and trailing commas; a missing or broken one counts as empty. */
function readJsonc(file) {
  try {
    const text = fs.readFileSync(file, "utf8")
      .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str) => str ?? "")
      .replace(/,(\s*[}\]])/g, "$1");
    return JSON.parse(text);
  } catch {
    return null;
  }
}

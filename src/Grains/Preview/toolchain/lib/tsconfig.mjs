// The project's tsconfig.json compiler options that change how esbuild compiles a single file
// (jsxImportSource for Preact or Emotion, decorators, class fields). Read again when the file changes.
import fs from "node:fs";
import path from "node:path";

const used = ["jsx", "jsxImportSource", "jsxFactory", "jsxFragmentFactory", "experimentalDecorators",
  "useDefineForClassFields", "verbatimModuleSyntax", "preserveValueImports", "importsNotUsedAsValues", "alwaysStrict"];

let cached = { mtime: -1, value: undefined };

export function tsconfigRaw(cwd = process.cwd()) {
  const file = path.join(cwd, "tsconfig.json");
  const mtime = fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (mtime === cached.mtime) return cached.value;
  let value;
  if (mtime) {
    try {
      // tsconfig is JSON with comments and trailing commas; a broken one is ignored, not fatal.
      const text = fs.readFileSync(file, "utf8")
        .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str) => str ?? "")
        .replace(/,(\s*[}\]])/g, "$1");
      const options = JSON.parse(text)?.compilerOptions ?? {};
      const compilerOptions = {};
      for (const key of used) if (options[key] !== undefined) compilerOptions[key] = options[key];
      // The preview always compiles JSX for development; only the import source is the project's choice.
      delete compilerOptions.jsx;
      value = { compilerOptions };
    } catch {
      value = undefined;
    }
  }
  cached = { mtime, value };
  return value;
}

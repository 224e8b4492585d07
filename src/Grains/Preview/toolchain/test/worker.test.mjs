// The worker protocol (docs/preview.md) against the real esbuild, on a real react-template project.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { init, parse } from "es-module-lexer";
import { Worker, projectWith, reactProject, removeProject } from "./fixture.mjs";

const root = "/preview/p1";

describe("worker on the react template", () => {
  let dir;
  let worker;
  let deps;
  const read = (file) => fs.readFileSync(path.join(dir, file), "utf8");

  before(async () => {
    dir = reactProject();
    worker = new Worker(dir);
    deps = await worker.request({ op: "deps", root, entry: "index.html" });
  });

  after(async () => {
    await worker?.close();
    if (dir) removeProject(dir);
  });

  test("deps pre-bundles react, react-dom/client and the JSX dev runtime into .vibe/deps", async () => {
    assert.equal(deps.error, undefined, JSON.stringify(deps.error));
    assert.deepEqual(deps.deps, {
      react: `${root}/@deps/react.js`,
      "react-dom/client": `${root}/@deps/react-dom_client.js`,
      "react/jsx-dev-runtime": `${root}/@deps/react_jsx-dev-runtime.js`,
    });
    assert.equal(typeof deps.ms, "number");
    for (const file of ["react.js", "react-dom_client.js", "react_jsx-dev-runtime.js"]) {
      assert.ok(fs.existsSync(path.join(dir, ".vibe/deps", file)), file);
    }
    // React is CommonJS: its bundle must still have the named exports components import.
    await init;
    const [, exports] = parse(read(".vibe/deps/react.js"));
    const names = exports.map((e) => e.name);
    for (const name of ["useState", "StrictMode", "default"]) assert.ok(names.includes(name), name);
    const [, clientExports] = parse(read(".vibe/deps/react-dom_client.js"));
    assert.ok(clientExports.some((e) => e.name === "createRoot"));
  });

  test("deps a second time reuses the bundles", async () => {
    const stamp = fs.statSync(path.join(dir, ".vibe/deps/react.js")).mtimeMs;
    const again = await worker.request({ op: "deps", root, entry: "index.html" });
    assert.deepEqual(again.deps, deps.deps);
    assert.equal(fs.statSync(path.join(dir, ".vibe/deps/react.js")).mtimeMs, stamp);
  });

  test("transform of App.tsx rewrites its imports to URLs and is a refresh boundary", async () => {
    const answer = await worker.request({ op: "transform", root, path: "/src/App.tsx", code: read("src/App.tsx"), as: "module" });
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    assert.equal(answer.selfAccepting, true);
    assert.equal(answer.missingDeps, undefined);
    assert.deepEqual(answer.imports, [
      { specifier: "react/jsx-dev-runtime", url: `${root}/@deps/react_jsx-dev-runtime.js`, kind: "dep" },
      { specifier: "react", url: `${root}/@deps/react.js`, kind: "dep" },
    ]);
    assert.match(answer.code, /from "\/preview\/p1\/@deps\/react\.js"/);
    assert.doesNotMatch(answer.code, /from "react"/);
    assert.match(answer.code, /\$RefreshReg\$\(_c\d*, "App"\)/);
    assert.match(answer.code, /from "\/preview\/p1\/@vibe\/refresh\.js"/);
    assert.match(answer.code, /import\.meta\.hot = __vibe_hot\("\/src\/App\.tsx"\)/);
    assert.match(answer.code, /import\.meta\.hot\.accept\(\);/);
    assert.match(answer.code, /\/\/# sourceMappingURL=data:application\/json;base64,/);
  });

  test("transform of main.tsx resolves ./App to its file and is not a boundary", async () => {
    const answer = await worker.request({ op: "transform", root, path: "/src/main.tsx", code: read("src/main.tsx") });
    assert.equal(answer.selfAccepting, false);
    assert.deepEqual(
      answer.imports.find((i) => i.specifier === "./App"),
      { specifier: "./App", url: `${root}/src/App.tsx`, kind: "module", path: "/src/App.tsx" },
    );
    assert.match(answer.code, /import App from "\/preview\/p1\/src\/App\.tsx"/);
    assert.match(answer.code, /from "\/preview\/p1\/@deps\/react-dom_client\.js"/);
  });

  test("a module exporting a component and a constant is not a boundary", async () => {
    const code = 'export const title = "x";\nexport function Card() { return <div>{title}</div>; }\n';
    const answer = await worker.request({ op: "transform", root, path: "/src/Card.tsx", code });
    assert.equal(answer.selfAccepting, false);
  });

  test("a module that does not use React gets no refresh registrations", async () => {
    const code = 'export const API_URL = "/api";\nexport function Format(x: number) { return String(x); }\n';
    const answer = await worker.request({ op: "transform", root, path: "/src/util.ts", code });
    assert.doesNotMatch(answer.code, /\$RefreshReg\$|@vibe\/refresh\.js/);
    assert.equal(answer.selfAccepting, false);
  });

  test("a module that calls import.meta.hot.accept() accepts itself and gets a hot context", async () => {
    const code = 'export let n = 1;\nif (import.meta.hot) {\n  import.meta.hot.dispose((data) => { data.n = n; });\n  import.meta.hot.accept();\n}\n';
    const answer = await worker.request({ op: "transform", root, path: "/src/counter.ts", code });
    assert.equal(answer.selfAccepting, true);
    assert.match(answer.code, /^import \{ createHotContext as __vibe_hot \} from "\/preview\/p1\/@vibe\/client\.js"; import\.meta\.hot = __vibe_hot\("\/src\/counter\.ts"\);\n/);
    const disposeOnly = await worker.request({ op: "transform", root, path: "/src/other.ts", code: "import.meta.hot?.dispose(() => {});\nexport const x = 1;\n" });
    assert.equal(disposeOnly.selfAccepting, false);
  });

  test("a syntax error answers file, line, column and a code frame", async () => {
    const code = read("src/App.tsx").replace("const [count, setCount] = useState(0);", "const [count, setCount] = useState(0;");
    const answer = await worker.request({ op: "transform", root, path: "/src/App.tsx", code });
    assert.equal(answer.code, undefined);
    assert.equal(answer.error.file, "/src/App.tsx");
    assert.equal(answer.error.line, 4);
    assert.equal(answer.error.column, 38);
    assert.match(answer.error.message, /Expected "\)"/);
    assert.match(answer.error.frame, /> 4 \| {3}const \[count, setCount\] = useState\(0;/);
  });

  test("an unresolvable relative import is an error on the import's line", async () => {
    const code = 'import { useState } from "react";\n\nimport Missing from "./Missing";\n\nexport default function App() {\n  return <Missing />;\n}\n';
    const answer = await worker.request({ op: "transform", root, path: "/src/App.tsx", code });
    assert.equal(answer.error.file, "/src/App.tsx");
    assert.equal(answer.error.line, 3);
    assert.equal(answer.error.column, 20);
    assert.match(answer.error.message, /"\.\/Missing"/);
  });

  test("extensions and index files resolve on the working directory", async () => {
    fs.mkdirSync(path.join(dir, "src/components"), { recursive: true });
    fs.writeFileSync(path.join(dir, "src/components/index.ts"), "export const x = 1;\n");
    fs.writeFileSync(path.join(dir, "src/util.ts"), "export const y = 2;\n");
    fs.writeFileSync(path.join(dir, "src/data.json"), '{"a": 1}\n');
    fs.writeFileSync(path.join(dir, "src/logo.svg"), "<svg/>\n");
    const code = [
      'import { x } from "./components";',
      'import { y } from "./util.js";',
      'import data from "./data.json";',
      'import logo from "./logo.svg";',
      'import "./styles.css";',
      "export const all = [x, y, data, logo];",
      'export const later = () => import("./util");',
    ].join("\n");
    const answer = await worker.request({ op: "transform", root, path: "/src/entry.ts", code });
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    const byPath = Object.fromEntries(answer.imports.map((i) => [i.specifier, i.url]));
    assert.deepEqual(byPath, {
      "./components": `${root}/src/components/index.ts`,
      "./util.js": `${root}/src/util.ts`,
      "./data.json": `${root}/src/data.json?import`,
      "./logo.svg": `${root}/src/logo.svg?import`,
      "./styles.css": `${root}/src/styles.css?import`,
      "./util": `${root}/src/util.ts`,
    });
    assert.match(answer.code, /import\("\/preview\/p1\/src\/util\.ts"\)/);
  });

  test("a package's stylesheet is imported from node_modules, not pre-bundled", async () => {
    fs.mkdirSync(path.join(dir, "node_modules/some-theme/dist"), { recursive: true });
    fs.writeFileSync(path.join(dir, "node_modules/some-theme/package.json"), '{"name":"some-theme","version":"1.0.0"}');
    fs.writeFileSync(path.join(dir, "node_modules/some-theme/dist/theme.css"), "body { margin: 0; }\n");
    const code = 'import "some-theme/dist/theme.css";\nimport "./styles.css";\nexport const x = 1;\n';
    const answer = await worker.request({ op: "transform", root, path: "/src/theme.ts", code });
    assert.equal(answer.missingDeps, undefined);
    assert.deepEqual(answer.imports[0], {
      specifier: "some-theme/dist/theme.css",
      url: `${root}/node_modules/some-theme/dist/theme.css?import`,
      kind: "module",
      path: "/node_modules/some-theme/dist/theme.css",
    });
    const missing = await worker.request({ op: "transform", root, path: "/src/theme.ts", code: 'export const a = 1;\nimport "no-such-theme/x.css";\n' });
    assert.equal(missing.error.line, 2);
  });

  test("process.env.NODE_ENV and import.meta.env are defined as in development", async () => {
    const code = "export const env = [process.env.NODE_ENV, import.meta.env.DEV, import.meta.env.BASE_URL];\n";
    const answer = await worker.request({ op: "transform", root, path: "/src/env.ts", code });
    assert.match(answer.code, /"development"/);
    assert.match(answer.code, /DEV: true/);
    assert.match(answer.code, /BASE_URL: "\/preview\/p1\/"/);
  });

  test("tsconfig paths aliases resolve to project files, through a solution-style tsconfig", async () => {
    fs.writeFileSync(path.join(dir, "tsconfig.json"), '{ "files": [], "references": [{ "path": "./tsconfig.app.json" }] }');
    fs.writeFileSync(path.join(dir, "tsconfig.app.json"), '{\n  // Vite\'s layout\n  "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./src/*"] }, },\n}');
    fs.mkdirSync(path.join(dir, "src/ui"), { recursive: true });
    fs.writeFileSync(path.join(dir, "src/ui/Button.tsx"), "export function Button() { return <button />; }\n");
    try {
      const code = 'import { Button } from "@/ui/Button";\nexport const b = Button;\n';
      const answer = await worker.request({ op: "transform", root, path: "/src/alias.ts", code });
      assert.equal(answer.missingDeps, undefined);
      assert.deepEqual(answer.imports, [{ specifier: "@/ui/Button", url: `${root}/src/ui/Button.tsx`, kind: "module", path: "/src/ui/Button.tsx" }]);
      const missing = await worker.request({ op: "transform", root, path: "/src/alias.ts", code: 'import { X } from "@/ui/Nope";\nexport const x = X;\n' });
      assert.equal(missing.error.line, 1);
    } finally {
      fs.rmSync(path.join(dir, "tsconfig.json"));
      fs.rmSync(path.join(dir, "tsconfig.app.json"));
    }
  });

  test("a bare import the deps lack is reported as missingDeps with its future URL", async () => {
    const code = 'import { debounce } from "lodash-es";\nexport const d = debounce;\n';
    const answer = await worker.request({ op: "transform", root, path: "/src/x.ts", code });
    assert.deepEqual(answer.missingDeps, ["lodash-es"]);
    assert.deepEqual(answer.imports, [{ specifier: "lodash-es", url: `${root}/@deps/lodash-es.js`, kind: "dep" }]);
  });

  test("CSS as a module injects a style keyed by path and accepts itself; as css it stays CSS", async () => {
    const css = '.logo { background: url("./logo.svg"); }\nbody { background: url(/bg.png); }\n';
    const module = await worker.request({ op: "transform", root, path: "/src/styles.css", code: css, as: "module" });
    assert.equal(module.selfAccepting, true);
    assert.match(module.code, /__vibe_updateStyle\("\/src\/styles\.css", css\)/);
    assert.match(module.code, /from "\/preview\/p1\/@vibe\/client\.js"/);
    assert.match(module.code, /url\(\\"\/preview\/p1\/src\/logo\.svg\\"\)/);
    assert.match(module.code, /export default css/);
    const raw = await worker.request({ op: "transform", root, path: "/src/styles.css", code: css, as: "css" });
    assert.equal(raw.code, '.logo { background: url("/preview/p1/src/logo.svg"); }\nbody { background: url(/preview/p1/bg.png); }\n');
  });

  test("JSON and assets become modules; bad JSON is an error with its position", async () => {
    const json = await worker.request({ op: "transform", root, path: "/src/data.json", code: '{"a": [1, 2]}' });
    assert.equal(json.code, 'export default {"a": [1, 2]};\n');
    const bad = await worker.request({ op: "transform", root, path: "/src/data.json", code: '{\n  "a": 1,\n}' });
    assert.equal(bad.error.file, "/src/data.json");
    assert.equal(bad.error.line, 3);
    const asset = await worker.request({ op: "transform", root, path: "/src/logo.svg", code: "" });
    assert.equal(asset.code, 'export default "/preview/p1/src/logo.svg";\n');
  });

  test("html puts the client first in head and moves root-absolute URLs under the root", async () => {
    const answer = await worker.request({ op: "html", root, code: read("index.html") });
    assert.match(answer.code, /<head><script type="module" src="\/preview\/p1\/@vibe\/client\.js"><\/script>/);
    assert.match(answer.code, /<link rel="stylesheet" href="\/preview\/p1\/src\/styles\.css" \/>/);
    assert.match(answer.code, /<script type="module" src="\/preview\/p1\/src\/main\.tsx"><\/script>/);
    const again = await worker.request({ op: "html", root, code: '<html><body><img src="//cdn.example/x.png"><a href="/preview/p1/">x</a></body></html>' });
    assert.match(again.code, /src="\/\/cdn\.example\/x\.png"/);
    assert.match(again.code, /href="\/preview\/p1\/"/);
    assert.match(again.code, /<head><script type="module" src="\/preview\/p1\/@vibe\/client\.js"><\/script><\/head>/);
  });

  test("html compiles inline module scripts: imports rewritten, errors on the HTML's lines", async () => {
    const page = '<!doctype html>\n<html>\n<head></head>\n<body>\n<script type="module">\nimport { version } from "react";\nimport App from "/src/App.tsx";\nconsole.log(version, App);\n</script>\n</body>\n</html>\n';
    const answer = await worker.request({ op: "html", root, code: page });
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    assert.match(answer.code, /import \{ version \} from "\/preview\/p1\/@deps\/react\.js";/);
    assert.match(answer.code, /import App from "\/preview\/p1\/src\/App\.tsx";/);
    assert.deepEqual(answer.imports.map((i) => i.url), [`${root}/@deps/react.js`, `${root}/src/App.tsx`]);
    const broken = await worker.request({ op: "html", root, code: page.replace("console.log(version, App);", "console.log(version, App;") });
    assert.equal(broken.error.file, "/index.html");
    assert.equal(broken.error.line, 8);
  });

  test("20 concurrent transforms are each answered under their own id", async () => {
    const app = read("src/App.tsx");
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        worker.request({ op: "transform", root, path: "/src/App.tsx", code: app.replace("Hello from Vibe", `Heading number ${i}`) })),
    );
    answers.forEach((answer, i) => {
      assert.equal(answer.error, undefined);
      assert.match(answer.code, new RegExp(`Heading number ${i}"`));
      assert.equal(answer.selfAccepting, true);
    });
  });

  test("malformed requests get error answers and the worker keeps going", async () => {
    const notJson = await worker.raw("this is not json");
    assert.equal(notJson.id, null);
    assert.match(notJson.error.message, /not JSON/);
    const noId = await worker.raw('{"op":"html","root":"/x","code":""}');
    assert.equal(noId.id, null);
    assert.match(noId.error.message, /id/);
    const unknown = await worker.request({ op: "explode" });
    assert.match(unknown.error.message, /unknown op "explode"/);
    const noCode = await worker.request({ op: "transform", root, path: "/src/App.tsx" });
    assert.match(noCode.error.message, /code/);
    const badPath = await worker.request({ op: "transform", root, path: 42, code: "" });
    assert.match(badPath.error.message, /path/);
    const badAs = await worker.request({ op: "transform", root, path: "/src/a.ts", code: "", as: "wasm" });
    assert.match(badAs.error.message, /unknown "as"/);
    const fine = await worker.request({ op: "transform", root, path: "/src/a.ts", code: "export const a: number = 1;" });
    assert.match(fine.code, /const a = 1;/);
    assert.equal(worker.process.exitCode, null);
  });
});

describe("worker on a project without the packages it imports", () => {
  let dir;
  let worker;

  before(() => {
    dir = projectWith({
      "index.html": '<!doctype html><html><head></head><body><script type="module" src="/src/main.ts"></script></body></html>',
      "src/main.ts": 'import { thing } from "not-installed-package";\nimport "@/lib/helper";\nconsole.log(thing);\n',
      "src/lib/helper.ts": 'import other from "another-missing-package";\nexport const h = other;\n',
      "tsconfig.json": '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }',
      "package.json": '{"name":"bare","private":true}',
    });
    worker = new Worker(dir);
  });

  after(async () => {
    await worker?.close();
    if (dir) removeProject(dir);
  });

  test("deps lists packages that are not installed (also behind a tsconfig alias); a transform importing one is an error at the import", async () => {
    const deps = await worker.request({ op: "deps", root: "/preview/p2", entry: "index.html" });
    assert.deepEqual(deps.deps, {});
    assert.deepEqual(deps.unresolved, ["another-missing-package", "not-installed-package"]);
    const answer = await worker.request({ op: "transform", root: "/preview/p2", path: "/src/main.ts", code: fs.readFileSync(path.join(dir, "src/main.ts"), "utf8") });
    assert.equal(answer.error.line, 1);
    assert.equal(answer.error.file, "/src/main.ts");
    assert.match(answer.error.message, /not-installed-package/);
  });

  test("concurrent deps runs take turns and agree", async () => {
    const answers = await Promise.all([1, 2, 3].map(() => worker.request({ op: "deps", root: "/preview/p2", entry: "index.html" })));
    for (const answer of answers) assert.deepEqual(answer.unresolved, ["another-missing-package", "not-installed-package"]);
    assert.ok(fs.existsSync(path.join(dir, ".vibe/deps/_metadata.json")));
  });

  test("deps of a missing entry is an error, not a crash", async () => {
    const answer = await worker.request({ op: "deps", root: "/preview/p2", entry: "nope.html" });
    assert.match(answer.error.message, /nope\.html/);
  });

  test("when esbuild's process dies the request gets an error and the worker exits for a restart", async () => {
    const other = new Worker(dir);
    await other.request({ op: "transform", root: "/preview/p2", path: "/src/a.ts", code: "export const a = 1;" });
    const children = execFileSync("pgrep", ["-P", String(other.process.pid)], { encoding: "utf8" }).trim().split("\n");
    for (const pid of children) process.kill(Number(pid), "SIGKILL");
    const answer = await other.request({ op: "transform", root: "/preview/p2", path: "/src/a.ts", code: "export const a = 2;" });
    assert.match(answer.error.message, /service/);
    assert.equal(await other.exited, 70);
  });

  test("the worker exits when its input closes", async () => {
    const code = await worker.close();
    assert.equal(code, 0);
  });
});

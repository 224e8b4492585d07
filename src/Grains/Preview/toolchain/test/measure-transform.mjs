// Measures the worker's warm transform of the react template's App.tsx (the keystroke path's compile
// step): a real project, deps once, then 200 sequential edits of the heading. Not a test (no
// thresholds): `node test/measure-transform.mjs` prints a line and one JSON line.
import fs from "node:fs";
import path from "node:path";
import { Worker, reactProject, removeProject } from "./fixture.mjs";

const dir = reactProject();
const worker = new Worker(dir);
try {
  const root = "/preview/bench";
  const deps = await worker.request({ op: "deps", root, entry: "index.html" });
  const app = fs.readFileSync(path.join(dir, "src/App.tsx"), "utf8");
  const inWorker = [];
  const roundTrip = [];
  for (let i = 0; i < 250; i++) {
    const started = performance.now();
    const answer = await worker.request({ op: "transform", root, path: "/src/App.tsx", code: app.replace("Hello from Vibe", `Hello ${i}`) });
    if (answer.error) throw new Error(answer.error.message);
    if (i >= 50) {
      roundTrip.push(performance.now() - started);
      inWorker.push(answer.ms);
    }
  }
  const q = (values, p) => [...values].sort((a, b) => a - b)[Math.floor(values.length * p)];
  const result = {
    depsMs: deps.ms,
    transformP50Ms: q(inWorker, 0.5),
    transformP95Ms: q(inWorker, 0.95),
    roundTripP50Ms: Math.round(q(roundTrip, 0.5) * 100) / 100,
    roundTripP95Ms: Math.round(q(roundTrip, 0.95) * 100) / 100,
  };
  console.log(`App.tsx warm transform: p50 ${result.transformP50Ms} ms, p95 ${result.transformP95Ms} ms in the worker; ` +
    `p50 ${result.roundTripP50Ms} ms over the pipes (deps ${result.depsMs} ms)`);
  console.log(JSON.stringify(result));
} finally {
  await worker.close();
  removeProject(dir);
}

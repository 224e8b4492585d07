// Bundles the IDE into ../wwwroot/app (served by the Vibe node as /app/main.js and /app/main.css).
// Usage: node build.mjs [--watch] [--dev]   (--dev: no minification, inline source maps)
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes("--watch");
const dev = watch || process.argv.includes("--dev");

const options = {
  absWorkingDir: here,
  entryPoints: { main: "src/main.ts" },
  outdir: path.join(here, "..", "wwwroot", "app"),
  bundle: true,
  format: "esm",
  target: ["es2022", "chrome110", "firefox110", "safari16"],
  platform: "browser",
  minify: !dev,
  sourcemap: dev ? "inline" : "linked",
  legalComments: "linked",
  logLevel: "info",
  define: { "process.env.NODE_ENV": dev ? '"development"' : '"production"' },
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}

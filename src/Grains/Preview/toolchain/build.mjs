// Bundles into dist/: the browser runtime, client.js (HMR client + overlay, dependency-free) and
// refresh.js (React Refresh's runtime as ESM); and babel-refresh.mjs for the worker. client.js imports
// ./refresh.js at run time, so the page and the component modules share one Refresh instance.
// Run by Grains.csproj before every build (incrementally) and by npm test.
import * as esbuild from "esbuild";

const common = {
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  logLevel: "warning",
  legalComments: "none",
  define: { "process.env.NODE_ENV": '"development"' },
};

const refreshExternal = {
  name: "refresh-external",
  setup(build) {
    build.onResolve({ filter: /^\.\/refresh\.js$/ }, () => ({ path: "./refresh.js", external: true }));
  },
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ["client/client.js"], outfile: "dist/client.js", plugins: [refreshExternal] }),
  esbuild.build({ ...common, entryPoints: ["client/refresh.js"], outfile: "dist/refresh.js" }),
  // For the worker, not the page: Babel + react-refresh/babel in one file, which node loads much faster.
  esbuild.build({
    entryPoints: ["lib/babel-refresh.entry.mjs"],
    outfile: "dist/babel-refresh.mjs",
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    legalComments: "none",
    // Only for babel.config.ts files, which the worker never reads (configFile: false).
    external: ["@babel/preset-typescript", "@babel/preset-typescript/*"],
    // Babel's CommonJS parts call require(); an ES module has none of its own.
    banner: { js: 'import { createRequire as __vibeRequire } from "node:module"; const require = __vibeRequire(import.meta.url);' },
  }),
]);

// Bundles the browser runtime into dist/: client.js (HMR client + overlay, dependency-free) and
// refresh.js (React Refresh's runtime as ESM). client.js imports ./refresh.js at run time, so the page
// and the component modules share one Refresh instance. Run by Grains.csproj before every build.
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
]);

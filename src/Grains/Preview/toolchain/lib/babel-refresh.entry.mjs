// Bundled by build.mjs into dist/babel-refresh.mjs: Babel and react-refresh's plugin as one file load in
// about a third of the time node takes to resolve and load Babel's hundreds of modules.
export { transformAsync } from "@babel/core";
export { default as refreshPlugin } from "react-refresh/babel";

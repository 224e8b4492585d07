// React Refresh's runtime as an ES module, served at {root}/@vibe/refresh.js. One instance per page:
// the HMR client and every transformed component module import this same URL.
export {
  injectIntoGlobalHook,
  register,
  createSignatureFunctionForTransform,
  performReactRefresh,
  isLikelyComponentType,
  hasUnrecoverableErrors,
} from "react-refresh/runtime";

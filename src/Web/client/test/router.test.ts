import assert from "node:assert/strict";
import { test } from "node:test";
import { hrefFor, parseRoute } from "../src/router";

test("IDE routes carry the project and the file path", () => {
  assert.deepEqual(parseRoute("#/p/todo-app-k3x9q2/src/App.tsx"), { name: "ide", projectId: "todo-app-k3x9q2", path: "/src/App.tsx" });
  assert.deepEqual(parseRoute("#/p/todo-app-k3x9q2"), { name: "ide", projectId: "todo-app-k3x9q2", path: null });
  assert.equal(hrefFor({ name: "ide", projectId: "p1", path: "/src/my file.ts" }), "#/p/p1/src/my%20file.ts");
  assert.deepEqual(parseRoute(hrefFor({ name: "ide", projectId: "p1", path: "/src/my file.ts" })), { name: "ide", projectId: "p1", path: "/src/my file.ts" });
});

test("Anything else is the projects page", () => {
  assert.deepEqual(parseRoute(""), { name: "projects" });
  assert.deepEqual(parseRoute("#/whatever"), { name: "projects" });
});

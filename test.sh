#!/usr/bin/env bash
# Runs Vibe's whole test suite on a fresh Debian machine with the .NET SDK and node:
# installs what the tests need (PostgreSQL server binaries, npm packages for the interop tests),
# builds once in Release, runs every test project in turn, and ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"

log() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL: the cluster tests start their own server with initdb/pg_ctl as the postgres user.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
  log "installing PostgreSQL"
  apt_install postgresql
fi

# Chromium: the end-to-end test drives the browser IDE in headless Chromium (Playwright never downloads its own).
if [ ! -x /usr/bin/chromium ]; then
  log "installing Chromium"
  apt_install chromium
fi

# npm packages for tests and benchmarks that drive the real yjs under node.
for dir in tests/interop tests/e2e; do
  if [ -f "$dir/package.json" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed in $dir"; echo "0 passed, 1 failed"; exit 1; }
  fi
done

log "building (Release)"
if ! dotnet build Vibe.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"
status=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  log "testing $name"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
done

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
# node's test runner: the browser client's unit tests (bundled by esbuild) and the preview toolchain's
# worker tests (real esbuild on a real react project; its node_modules come from the build above).
for dir in src/Web/client src/Grains/Preview/toolchain; do
  log "testing $dir"
  node_log="$results/$(basename "$dir").log"
  (cd "$dir" && npm test) 2>&1 | tee "$node_log"
  np=$(grep -Eo '^(# |ℹ )pass [0-9]+' "$node_log" | grep -Eo '[0-9]+$' | tail -n 1)
  nf=$(grep -Eo '^(# |ℹ )fail [0-9]+' "$node_log" | grep -Eo '[0-9]+$' | tail -n 1)
  if [ -z "$np" ]; then nf=$(( ${nf:-0} + 1 )); status=1; fi
  passed=$((passed + ${np:-0}))
  failed=$((failed + ${nf:-0}))
done

# A project that crashed before writing results counts as a failure.
expected=$(ls tests/*/*.csproj | wc -l)
written=$(ls "$results"/*.trx 2>/dev/null | wc -l)
if [ "$written" -lt "$expected" ]; then
  failed=$((failed + expected - written))
fi
# Name what failed, so that the end of a CI log says it without the whole transcript.
if [ "$failed" -gt 0 ]; then
  echo
  echo "failed tests:"
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    node -e '
      const text = require("fs").readFileSync(process.argv[1], "utf8");
      const unescape = s => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&apos;/g, "\x27").replace(/&amp;/g, "&");
      // A result without output is an empty element (<UnitTestResult ... />); match that form too, or a passed
      // empty result swallows the failed one after it and the failure goes unnamed.
      let named = 0;
      for (const m of text.matchAll(/<UnitTestResult\b([^>]*?)(?:\/>|>([\s\S]*?)<\/UnitTestResult>)/g)) {
        const outcome = /outcome="([^"]*)"/.exec(m[1]);
        if (!outcome || outcome[1] === "Passed" || outcome[1] === "NotExecuted") continue;
        named++;
        console.log("  " + unescape(/testName="([^"]*)"/.exec(m[1])[1]) + (outcome[1] === "Failed" ? "" : " (" + outcome[1] + ")"));
        const message = /<Message>([\s\S]*?)<\/Message>/.exec(m[2] || "");
        if (message) for (const line of unescape(message[1]).trim().split("\n").slice(0, 3)) console.log("      " + line.slice(0, 300));
      }
      const counted = /<Counters [^>]*\bfailed="([0-9]+)"/.exec(text);
      if (counted && Number(counted[1]) > named) console.log("  " + (Number(counted[1]) - named) + " more failed in " + process.argv[1] + " without a named result");
    ' "$trx"
  done
fi
echo
echo "$passed passed, $failed failed"
[ $status = 0 ] && [ $failed = 0 ]

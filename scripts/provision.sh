#!/usr/bin/env bash
# Finds or builds the two Temporal servers the project runs against and records their paths in
# .data/servers.json (read by scripts/servers.ts). Used by `npm start`, `npm test` and `.ci/run`.
# See docs/ARCHITECTURE.md, "Where the servers come from".
#
#   Temporal CLI (dev server):   `temporal` on PATH, else the per-user cache, else `go install`.
#   Time-skipping test server:   the per-user cache, else Maven Central via scripts/test-server/pom.xml.
#   Neither possible:            path null -> @temporalio/testing downloads it at run time
#                                (needs internet access); the record says what to install instead.
#
# The cache lives outside the git tree, keyed by version, so a fresh clone on the same machine
# reuses it:  ${SSI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ssi-procedure}
# Idempotent: a second run with nothing to do prints nothing.
set -euo pipefail

TEMPORAL_CLI_VERSION=1.5.1
TEST_SERVER_VERSION=1.31.0
# Used only if the machine's Go refuses to build the CLI (its go.mod says go 1.25.0); Go fetches
# this toolchain through the module proxy.
GO_FALLBACK_TOOLCHAIN=go1.25.14

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${SSI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ssi-procedure}"
mkdir -p "$CACHE" "$ROOT/.data"
CACHE="$(cd "$CACHE" && pwd)"

# One provisioner at a time per cache (e.g. `npm start` and `npm test` started together).
if command -v flock > /dev/null 2>&1; then
  exec 9> "$CACHE/.provision.lock"
  flock 9
fi

note() { printf 'provision: %s\n' "$*" >&2; }
# Notes about a fallback are printed only when the record changes, so reruns stay quiet.
deferred_notes=()
defer_note() { deferred_notes+=("$*"); }

# ---------------------------------------------------------------------------------------------
# Temporal CLI
# ---------------------------------------------------------------------------------------------
CLI_DIR="$CACHE/temporal-cli-$TEMPORAL_CLI_VERSION"
cli_path=""
cli_version="$TEMPORAL_CLI_VERSION"
cli_source=""
cli_hint=""

build_cli() {
  # Build into a staging directory and move the binary into place, so an interrupted build
  # never leaves a half-written executable in the cache.
  local stage="$CLI_DIR.tmp.$$" log="$CACHE/temporal-cli-$TEMPORAL_CLI_VERSION.build.log"
  local pkg="github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_CLI_VERSION" started=$SECONDS
  rm -rf "$stage"
  mkdir -p "$stage"
  note "building Temporal CLI v$TEMPORAL_CLI_VERSION with go install (first build takes minutes) ..."
  if ! GOBIN="$stage" go install "$pkg" > "$log" 2>&1; then
    note "go install with $(go env GOVERSION 2> /dev/null || echo 'this Go') failed; retrying with GOTOOLCHAIN=$GO_FALLBACK_TOOLCHAIN"
    if ! GOBIN="$stage" GOTOOLCHAIN="$GO_FALLBACK_TOOLCHAIN" go install "$pkg" >> "$log" 2>&1; then
      tail -n 20 "$log" >&2
      note "Temporal CLI build failed (full log: $log)"
      rm -rf "$stage"
      return 1
    fi
  fi
  mkdir -p "$CLI_DIR"
  mv -f "$stage/temporal" "$CLI_DIR/temporal"
  rm -rf "$stage"
  note "built Temporal CLI in $((SECONDS - started))s"
}

if command -v temporal > /dev/null 2>&1; then
  cli_path="$(command -v temporal)"
  case "$cli_path" in /*) ;; *) cli_path="$PWD/$cli_path" ;; esac
  # "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)"
  found_version="$("$cli_path" --version 2> /dev/null | awk '{print $3}')" || true
  cli_version="${found_version:-unknown}"
  cli_source="PATH"
elif [ -x "$CLI_DIR/temporal" ]; then
  cli_path="$CLI_DIR/temporal"
  cli_source="cache"
elif command -v go > /dev/null 2>&1 && build_cli; then
  cli_path="$CLI_DIR/temporal"
  cli_source="go install"
else
  cli_source="sdk-download"
  cli_hint="Install Go (>= 1.21; it fetches Go 1.25 itself) or the Temporal CLI v$TEMPORAL_CLI_VERSION (https://docs.temporal.io/cli), then run \`npm run provision\`."
  if command -v go > /dev/null 2>&1; then
    defer_note "Temporal CLI: go install failed; @temporalio/testing will try to download the dev server at run time (needs internet access)."
  else
    defer_note "Temporal CLI: no \`temporal\` on PATH and no Go; @temporalio/testing will try to download the dev server at run time (needs internet access)."
  fi
  defer_note "  If that is not possible: $cli_hint"
fi

# ---------------------------------------------------------------------------------------------
# Java time-skipping test server (io.temporal:temporal-test-server from Maven Central)
# ---------------------------------------------------------------------------------------------
TS_DIR="$CACHE/temporal-test-server-$TEST_SERVER_VERSION"
ts_path=""
ts_source=""
ts_hint=""

write_test_server_wrapper() {
  # $1: directory holding lib/; $2: java executable found now (used if still there at run time).
  # sdk-core starts an `existing-path` test server as `<path> <port> [extraArgs...]` and stops it
  # with SIGKILL, so the wrapper must `exec` java (no child left behind) and pass "$@" through.
  # TestServer takes `<port> [--enable-time-skipping]`.
  # Rewritten (atomically, only if different) on every run, so changes here reach old caches.
  local wrapper="$1/temporal-test-server" content
  content="$(cat << EOF
#!/bin/sh
# Temporal time-skipping test server $TEST_SERVER_VERSION (Maven Central), written by scripts/provision.sh.
# Usage: temporal-test-server <port> [--enable-time-skipping]
# JVM options: TEMPORAL_TEST_SERVER_JAVA_OPTS (default favours start-up time; sdk-core waits only 5 s).
DIR="\$(cd "\$(dirname "\$0")" && pwd)"
JAVA="$2"
[ -x "\$JAVA" ] || JAVA=java
# shellcheck disable=SC2086 # JVM options are meant to split into words
exec "\$JAVA" \${TEMPORAL_TEST_SERVER_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1} -cp "\$DIR/lib/*" io.temporal.testserver.TestServer "\$@"
EOF
)"
  if [ -f "$wrapper" ] && [ "$(cat "$wrapper")" = "$content" ]; then
    return 0
  fi
  printf '%s\n' "$content" > "$wrapper.tmp.$$"
  chmod +x "$wrapper.tmp.$$"
  mv -f "$wrapper.tmp.$$" "$wrapper"
}

fetch_test_server() {
  local stage="$TS_DIR.tmp.$$" log="$CACHE/temporal-test-server-$TEST_SERVER_VERSION.fetch.log" started=$SECONDS
  rm -rf "$stage"
  mkdir -p "$stage/lib"
  note "fetching io.temporal:temporal-test-server:$TEST_SERVER_VERSION and its dependencies from Maven Central ..."
  # copy-dependencies copies the pom's direct dependencies too, i.e. the server jar itself.
  if ! mvn -q -B -Dstyle.color=never -f "$ROOT/scripts/test-server/pom.xml" \
    -Dtemporal.test-server.version="$TEST_SERVER_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$stage/lib" > "$log" 2>&1; then
    tail -n 20 "$log" >&2
    note "Maven fetch failed (full log: $log)"
    rm -rf "$stage"
    return 1
  fi
  if [ ! -f "$stage/lib/temporal-test-server-$TEST_SERVER_VERSION.jar" ]; then
    note "Maven fetch did not produce temporal-test-server-$TEST_SERVER_VERSION.jar (log: $log)"
    rm -rf "$stage"
    return 1
  fi
  write_test_server_wrapper "$stage" "$(command -v java)"
  rm -rf "$TS_DIR"
  mv "$stage" "$TS_DIR"
  note "fetched test server in $((SECONDS - started))s"
}

if [ -f "$TS_DIR/lib/temporal-test-server-$TEST_SERVER_VERSION.jar" ] && command -v java > /dev/null 2>&1; then
  write_test_server_wrapper "$TS_DIR" "$(command -v java)"
  ts_path="$TS_DIR/temporal-test-server"
  ts_source="cache"
elif command -v java > /dev/null 2>&1 && command -v mvn > /dev/null 2>&1 && fetch_test_server; then
  ts_path="$TS_DIR/temporal-test-server"
  ts_source="maven"
else
  ts_source="sdk-download"
  ts_hint="Install a Java runtime (11 or newer) and Maven, then run \`npm run provision\`."
  defer_note "Test server: no Java/Maven (or the Maven fetch failed); @temporalio/testing will try to download it at run time (needs internet access)."
  defer_note "  If that is not possible: $ts_hint"
fi

# ---------------------------------------------------------------------------------------------
# Record
# ---------------------------------------------------------------------------------------------
json_string() { # JSON string literal, or null for an empty value
  if [ -z "$1" ]; then
    printf 'null'
  else
    local s="${1//\\/\\\\}"
    printf '"%s"' "${s//\"/\\\"}"
  fi
}

record="$(
  printf '{\n'
  printf '  "temporalCli": %s,\n' "$(json_string "$cli_path")"
  printf '  "testServer": %s,\n' "$(json_string "$ts_path")"
  printf '  "temporalCliVersion": %s,\n' "$(json_string "$cli_version")"
  printf '  "testServerVersion": %s,\n' "$(json_string "$TEST_SERVER_VERSION")"
  printf '  "temporalCliSource": %s,\n' "$(json_string "$cli_source")"
  printf '  "testServerSource": %s,\n' "$(json_string "$ts_source")"
  printf '  "temporalCliHint": %s,\n' "$(json_string "$cli_hint")"
  printf '  "testServerHint": %s\n' "$(json_string "$ts_hint")"
  printf '}'
)"

# Sources "cache" and "go install"/"maven" describe the same binary; compare paths only, so a
# rerun after a build stays quiet.
RECORD_FILE="$ROOT/.data/servers.json"
strip_sources() { grep -v '"\(temporalCli\|testServer\)Source"' || true; }
if [ -f "$RECORD_FILE" ] && [ "$(strip_sources < "$RECORD_FILE")" = "$(printf '%s\n' "$record" | strip_sources)" ]; then
  exit 0
fi

printf '%s\n' "$record" > "$RECORD_FILE.tmp"
mv -f "$RECORD_FILE.tmp" "$RECORD_FILE"

for n in "${deferred_notes[@]+"${deferred_notes[@]}"}"; do note "$n"; done
echo "Temporal CLI $cli_version: ${cli_path:-none (SDK download at run time)} [from $cli_source]"
echo "Time-skipping test server $TEST_SERVER_VERSION: ${ts_path:-none (SDK download at run time)} [from $ts_source]"
echo "Recorded in .data/servers.json"

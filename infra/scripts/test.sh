#!/usr/bin/env bash
# The whole check: type check, lint, unit tests, integration tests (against a real Temporal dev
# server, PostgreSQL and Redis; the tests start their own Temporal and create their own
# databases). Stops at the first failure. Extra arguments go to both jest runs:
#   npm test -- -t 'accepts a report'
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TAIWA_ROOT"

TOTAL_START=$SECONDS
PHASES=()
CURRENT_PHASE=""
PHASE_START=0

# Jest's JSON reports of this run, summed into one plain closing line.
RESULTS="$TAIWA_ROOT/.run/test-results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

test_counts() {
  node -e '
    const fs = require("fs"), path = require("path");
    let passed = 0, failed = 0, skipped = 0;
    for (const f of fs.readdirSync(process.argv[1])) {
      const r = JSON.parse(fs.readFileSync(path.join(process.argv[1], f), "utf8"));
      passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
    }
    console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  ' "$RESULTS" 2>/dev/null || true
}

summary() {
  local rc=$?
  if [[ -n "$CURRENT_PHASE" ]]; then
    PHASES+=("$(printf '%-28s %5ss  FAILED' "$CURRENT_PHASE" "$((SECONDS - PHASE_START))")")
  fi
  if ((${#PHASES[@]} > 0)); then
    printf '\n[taiwa] Phases:\n'
    printf '[taiwa]   %s\n' "${PHASES[@]}"
  fi
  if compgen -G "$RESULTS/*.json" >/dev/null; then test_counts; fi
  if ((rc == 0)); then
    printf '[taiwa] All checks passed in %ss.\n' "$((SECONDS - TOTAL_START))"
  else
    printf '[taiwa] FAILED (exit %s) after %ss%s.\n' "$rc" "$((SECONDS - TOTAL_START))" \
      "${CURRENT_PHASE:+ in phase: $CURRENT_PHASE}" >&2
  fi
}
trap summary EXIT

# phase NAME CMD...: runs CMD as one timed phase; the script stops when it fails.
phase() {
  CURRENT_PHASE="$1"
  shift
  PHASE_START=$SECONDS
  log "== $CURRENT_PHASE =="
  log "\$ $(printf '%q ' "$@")"
  "$@"
  local took=$((SECONDS - PHASE_START))
  PHASES+=("$(printf '%-28s %5ss  ok' "$CURRENT_PHASE" "$took")")
  log "$CURRENT_PHASE: ok (${took}s)"
  CURRENT_PHASE=""
}

check_postgres() {
  # Reachability only: the tests create their own databases, so the URL here names the
  # always-present 'postgres' database, and the environment of the tests is left as it was.
  (
    DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
    ensure_postgres
  )
}

setup() {
  ensure_node_modules
  ensure_temporal # exports TEMPORAL_CLI_PATH for the integration tests
  check_postgres
  ensure_redis
}

# With a filter (a path or -t) one of the two projects may match nothing; that is not a failure.
faults=1
if [[ "${1:-}" == "--faults-only" ]]; then
  shift
  phase "setup (deps and services)" setup
  phase "build (fault tests run the built apps)" bash infra/scripts/build.sh
  phase "fault tests" npx --no -- jest --selectProjects faults --runInBand --json --outputFile="$RESULTS/faults.json" "$@"
  exit 0
fi
if [[ "${1:-}" == "--no-faults" ]]; then
  faults=0
  shift
fi

jest_extra=()
if (($# > 0)); then jest_extra+=(--passWithNoTests); fi

phase "setup (deps and services)" setup
phase "type check" npx --no -- tsc -p tsconfig.json --noEmit
phase "lint" npx --no -- eslint .
phase "manifests (infra/k8s, infra/helm)" bash infra/scripts/validate-manifests.sh
phase "unit tests" npx --no -- jest --selectProjects unit --json --outputFile="$RESULTS/unit.json" ${jest_extra[@]+"${jest_extra[@]}"} "$@"
phase "build (fault tests run the built apps)" bash infra/scripts/build.sh
phase "browser (Chromium for the UI tests)" ensure_chromium
phase "integration tests" npx --no -- jest --selectProjects integration --runInBand --json --outputFile="$RESULTS/integration.json" ${jest_extra[@]+"${jest_extra[@]}"} "$@"
if ((faults == 1)); then
  phase "fault tests" npx --no -- jest --selectProjects faults --runInBand --passWithNoTests --json --outputFile="$RESULTS/faults.json" ${jest_extra[@]+"${jest_extra[@]}"} "$@"
fi

#!/usr/bin/env bash
# Stops what `npm run up` started (api, dispatcher, worker, temporal), by the pids in .run/pids/.
# PostgreSQL and Redis are shared services and keep running. Harmless when nothing runs.
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TAIWA_ROOT"

log "Stopping the Taiwa local stack ..."
failed=()
for svc in api dispatcher worker temporal; do
  stop_bg "$svc" || failed+=("$svc")
done
if ((${#failed[@]} > 0)); then
  die "Could not stop: ${failed[*]}"
fi
log "Stopped. (PostgreSQL and Redis keep running; logs stay in .run/logs/, Temporal data in .run/temporal.db.)"

#!/usr/bin/env bash
# npm run bench:<name>: ensures the services, builds, and runs bench/<name>.ts (compiled to
# dist/bench/<name>.js). Each benchmark prints one JSON object as its last line.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TAIWA_ROOT"

name="${1:?usage: bench.sh <lifecycle|queue|webhooks>}"
shift
[[ -f "bench/$name.ts" ]] || die "No benchmark bench/$name.ts."
ensure_node_modules
ensure_temporal
(DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}" ensure_postgres)
ensure_redis
bash infra/scripts/build.sh >&2
export TEMPORAL_CLI_PATH
exec node "dist/bench/$name.js" "$@"

#!/usr/bin/env bash
# Starts the local stack: Temporal dev server (unless TEMPORAL_ADDRESS is given), PostgreSQL and
# Redis (installed/started when local and missing), then worker, webhook dispatcher and API from
# dist/. Safe to run again: services that run are left alone. Stop with `npm run down`.
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TAIWA_ROOT"

# Whether the user points at their own Temporal (then no dev server is started here).
USER_TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-}"

# Defaults; everything the user already set wins.
export PORT="${PORT:-3000}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/taiwa}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
# The dev server's ports (TAIWA_TEMPORAL_PORT / TAIWA_TEMPORAL_UI_PORT move them if needed).
TEMPORAL_DEV_PORT="${TAIWA_TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${TAIWA_TEMPORAL_UI_PORT:-8233}"
export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:$TEMPORAL_DEV_PORT}"
export TEMPORAL_NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
export AUTH_MODE="${AUTH_MODE:-dev}"
export WEBHOOK_ALLOW_PRIVATE_NETWORKS="${WEBHOOK_ALLOW_PRIVATE_NETWORKS:-127.0.0.0/8,::1/128}"
export NODE_ENV="${NODE_ENV:-development}"
export LOG_LEVEL="${LOG_LEVEL:-info}"
if [[ -n "${SLA_POLICY_FILE:-}" ]]; then
  export SLA_POLICY_FILE
  [[ -f "$SLA_POLICY_FILE" ]] || warn "SLA_POLICY_FILE=$SLA_POLICY_FILE does not exist (relative paths are read from $TAIWA_ROOT)."
fi

SERVICES=(temporal worker dispatcher api)
LOG_DIR_REL=".run/logs"

print_log_tails() {
  local name file
  for name in "${SERVICES[@]}"; do
    file="$(log_file_of "$name")"
    [[ -f "$file" ]] || continue
    printf '\n[taiwa] ---- %s (this run, last 40 lines) ----\n' "${file#"$TAIWA_ROOT"/}" >&2
    log_tail "$file" 40 >&2 || true
  done
}

# Refuses to start NAME on a port something else already holds.
require_free_port() {
  local name="$1" port="$2" hint="$3"
  if port_open 127.0.0.1 "$port"; then
    die "Port $port is already in use by a process this script did not start, so $name cannot start. $hint"
  fi
}

log "Starting the Taiwa local stack in $TAIWA_ROOT"

# Ports: fail before starting anything when another program holds one we need.
if [[ -z "$USER_TEMPORAL_ADDRESS" ]] && ! service_running temporal >/dev/null; then
  require_free_port temporal "$TEMPORAL_DEV_PORT" \
    "Stop it, or set TEMPORAL_ADDRESS=127.0.0.1:$TEMPORAL_DEV_PORT to use it."
  require_free_port "the Temporal UI" "$TEMPORAL_UI_PORT" "Stop whatever listens there."
fi
if ! service_running api >/dev/null; then
  require_free_port api "$PORT" "Stop it, or choose another port: PORT=3001 npm run up"
fi

# Toolchain and backing services.
log "== 1/6 dependencies =="
ensure_node_modules

if [[ -z "$USER_TEMPORAL_ADDRESS" ]]; then
  ensure_temporal
else
  log "TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS given: using that Temporal server, not starting a dev server."
fi

log "== 2/6 PostgreSQL and Redis =="
ensure_postgres
ensure_redis

# Build.
log "== 3/6 build =="
stamp_before="$(stat -c %Y dist/.build-stamp 2>/dev/null || echo none)"
bash "$TAIWA_ROOT/infra/scripts/build.sh"
stamp_after="$(stat -c %Y dist/.build-stamp 2>/dev/null || echo none)"
rebuilt=0
[[ "$stamp_before" != "$stamp_after" ]] && rebuilt=1

# Temporal (started first: it boots while the migrations run), migrations, seed data.
log "== 4/6 Temporal, migrations, seed data =="
if [[ -z "$USER_TEMPORAL_ADDRESS" ]]; then
  if pid="$(service_running temporal)"; then
    log "temporal is already running (pid $pid); leaving it alone."
  else
    log "Starting the Temporal dev server on 127.0.0.1:$TEMPORAL_DEV_PORT (UI on $TEMPORAL_UI_PORT, data in .run/temporal.db) ..."
    # TAIWA_TEMPORAL_EXTRA_ARGS: optional extra flags, e.g. "--search-attribute CaseStatus=Keyword".
    read -r -a temporal_extra <<<"${TAIWA_TEMPORAL_EXTRA_ARGS:-}"
    start_bg temporal "$TEMPORAL_CLI_PATH" server start-dev \
      --db-filename .run/temporal.db \
      --ip 127.0.0.1 --port "$TEMPORAL_DEV_PORT" --ui-port "$TEMPORAL_UI_PORT" \
      --namespace "$TEMPORAL_NAMESPACE" \
      --log-level warn \
      --sqlite-pragma journal_mode=WAL --sqlite-pragma synchronous=NORMAL \
      ${temporal_extra[@]+"${temporal_extra[@]}"} ||
      die "The Temporal dev server did not start; see $LOG_DIR_REL/temporal.log"
  fi
fi

log "Running database migrations ..."
node dist/libs/persistence/src/cli/migrate.js || die "Migrations failed."

temporal_host="${TEMPORAL_ADDRESS%:*}"
temporal_port="${TEMPORAL_ADDRESS##*:}"
[[ "$temporal_port" =~ ^[0-9]+$ ]] || temporal_port=7233
temporal_host="${temporal_host#[}"
temporal_host="${temporal_host%]}"
log "Waiting for Temporal at $temporal_host:$temporal_port (up to 60 s) ..."
if ! wait_for_port "$temporal_host" "$temporal_port" 60; then
  [[ -z "$USER_TEMPORAL_ADDRESS" ]] && print_log_tails
  die "Temporal does not answer at $TEMPORAL_ADDRESS."
fi
if [[ -z "$USER_TEMPORAL_ADDRESS" ]]; then
  # The port opens before the frontend serves; wait until the namespace can be described.
  t0=$SECONDS
  until "$TEMPORAL_CLI_PATH" operator namespace describe --address "$TEMPORAL_ADDRESS" \
    --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; do
    if ((SECONDS - t0 >= 60)); then
      print_log_tails
      die "Temporal at $TEMPORAL_ADDRESS does not serve namespace '$TEMPORAL_NAMESPACE'."
    fi
    sleep 1
  done
fi
log "Temporal answers at $TEMPORAL_ADDRESS (namespace $TEMPORAL_NAMESPACE)."

log "Loading seed data (seed --demo) ..."
node dist/libs/persistence/src/cli/seed.js --demo || die "Seeding failed."

# Application services.
log "== 5/6 worker, webhook dispatcher, API =="
already_running=()
for svc in worker dispatcher api; do
  if service_running "$svc" >/dev/null; then already_running+=("$svc"); fi
done
start_bg worker node dist/apps/worker/src/main.js || {
  print_log_tails
  die "The worker did not start."
}
start_bg dispatcher node dist/apps/webhook-dispatcher/src/main.js || {
  print_log_tails
  die "The webhook dispatcher did not start."
}
start_bg api node dist/apps/api/src/main.js || {
  print_log_tails
  die "The API did not start."
}
if ((rebuilt == 1 && ${#already_running[@]} > 0)); then
  warn "The build changed, but ${already_running[*]} kept running on the previous build; restart with: npm run down && npm run up"
fi

log "== 6/6 health =="
HEALTH_URL="http://127.0.0.1:$PORT/health"
log "Waiting for $HEALTH_URL to answer 200 (up to 90 s) ..."
if ! wait_for_http "$HEALTH_URL" 90; then
  print_log_tails
  warn "Last health answer:"
  curl -s --max-time 5 "$HEALTH_URL" >&2 || true
  printf '\n' >&2
  die "The stack is not healthy. The services keep running for inspection; stop them with: npm run down"
fi
log "Healthy: $(curl -s --max-time 5 "$HEALTH_URL" || true)"

# Demo cases through the public API (dev login), so the queues are not empty. Safe to re-run.
if [[ "$AUTH_MODE" == "dev" ]]; then
  TAIWA_API_URL="http://127.0.0.1:$PORT" node dist/apps/api/src/demo/seed-demo-cases.js ||
    warn "Seeding demo cases failed; the stack is up regardless."
fi

PLANNED_DATE="$(date -d '+90 days' +%F)"
API="http://127.0.0.1:$PORT/api/v1"
cat <<EOF

[taiwa] The stack is up.
  API            $API
  OpenAPI        http://127.0.0.1:$PORT/api/docs   (JSON: /api/docs-json)
  Health         $HEALTH_URL
EOF
if [[ -z "$USER_TEMPORAL_ADDRESS" ]]; then
  echo "  Temporal UI    http://127.0.0.1:$TEMPORAL_UI_PORT   (frontend 127.0.0.1:$TEMPORAL_DEV_PORT, namespace $TEMPORAL_NAMESPACE)"
else
  echo "  Temporal       $TEMPORAL_ADDRESS (yours), namespace $TEMPORAL_NAMESPACE"
fi
cat <<EOF
  Logs           $TAIWA_ROOT/$LOG_DIR_REL/   (temporal.log, worker.log, dispatcher.log, api.log)
  Stop           npm run down

[taiwa] Walkthrough (paste into a shell):

  API=$API
  # json [key...]: prints a field of the JSON on stdin (strings raw, the rest as JSON)
  json() { node -e 'const t=require("fs").readFileSync(0,"utf8");let v;try{v=JSON.parse(t)}catch{console.log(t);process.exit(1)}for(const k of process.argv.slice(1))v=v?.[k];console.log(typeof v==="string"?v:JSON.stringify(v,null,2))' "\$@"; }
  login() { curl -s -X POST "\$API/auth/dev-login" -H 'content-type: application/json' -d "{\"username\":\"\$1\"}" | json accessToken; }

  # 1. alice (applicant, ACME) files an advance report
  ALICE=\$(login alice@acme.example)
  CASE_ID=\$(curl -s -X POST "\$API/cases" -H "authorization: Bearer \$ALICE" \\
    -H 'content-type: application/json' -H "idempotency-key: demo-\$(date +%s)" -d '{
      "technologyCategory": "LITHOGRAPHY_RESIST",
      "technologyDescription": "Resist formulation and purification process know-how",
      "transactionType": "MANUFACTURING_TRANSFER_SUBSIDIARY",
      "counterparty": { "name": "Example Precision Co., Ltd.", "country": "VN", "relationship": "SUBSIDIARY" },
      "plannedContractDate": "$PLANNED_DATE",
      "contact": { "name": "Alice Example", "email": "alice@acme.example" }
    }' | json id)
  echo "case \$CASE_ID"

  # 2. olivia (officer, queue SEMICONDUCTORS) accepts it
  OLIVIA=\$(login olivia@regulator.example)
  curl -s -X POST "\$API/cases/\$CASE_ID/accept" -H "authorization: Bearer \$OLIVIA" \\
    -H 'content-type: application/json' -d '{}' | json status        # IN_CONSULTATION

  # 3. the case view and its timeline
  curl -s "\$API/cases/\$CASE_ID" -H "authorization: Bearer \$OLIVIA" | json
  curl -s "\$API/cases/\$CASE_ID/timeline" -H "authorization: Bearer \$ALICE" | json

[taiwa] Receiving webhooks:

  # in a second terminal: a demo receiver on http://127.0.0.1:4000/webhooks that prints each delivery
  node dist/apps/webhook-dispatcher/src/demo-receiver.js

  # subscribe as the partner (ACME consents to it), then file or move a case as above
  PARTNER=\$(login partner@toolvendor.example)
  curl -s -X POST "\$API/webhook-subscriptions" -H "authorization: Bearer \$PARTNER" \\
    -H 'content-type: application/json' \\
    -d '{"url":"http://127.0.0.1:4000/webhooks","eventTypes":["*"]}' | json   # -> {id, secret}
  # deliveries: curl -s "\$API/webhook-subscriptions/<id>/deliveries" -H "authorization: Bearer \$PARTNER" | json

EOF

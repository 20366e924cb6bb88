# shellcheck shell=bash
# Shared helpers of the local-stack scripts (up.sh, down.sh, build.sh, test.sh).
# Source it; do not run it. Every function is idempotent.
#
#   ensure_node_modules   npm install when node_modules is missing or older than package-lock.json
#   ensure_temporal       exports TEMPORAL_CLI_PATH (builds the Temporal CLI once if needed)
#   ensure_postgres       DATABASE_URL reachable, local server started/installed, database created
#   ensure_redis          REDIS_URL answers PING, local server started/installed
#   log / warn / die, wait_for_http, wait_for_port, start_bg, stop_bg, service_running

set -euo pipefail

# The repository root, from this file's location (infra/scripts/lib.sh).
TAIWA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TAIWA_RUN_DIR="$TAIWA_ROOT/.run"
TAIWA_CACHE_DIR="${TAIWA_CACHE_DIR:-$HOME/.cache/taiwa}"
TAIWA_TEMPORAL_CLI_VERSION="v1.5.1"
export TAIWA_ROOT

# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------

log() { printf '[taiwa] %s\n' "$*"; }
warn() { printf '[taiwa] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[taiwa] ERROR: %s\n' "$*" >&2
  exit 1
}

is_root() { [[ "$(id -u)" == 0 ]]; }
is_debian() { [[ -f /etc/debian_version ]]; }
is_local_host() { [[ "$1" == 127.0.0.1 || "$1" == localhost || "$1" == ::1 || "$1" == "[::1]" ]]; }

# Runs "$@" while holding an exclusive lock on the file $1 (waiting for it, with a message).
with_lock() {
  local lock_file="$1" fd
  shift
  mkdir -p "$(dirname "$lock_file")"
  exec {fd}>"$lock_file"
  if ! flock -n "$fd"; then
    log "Waiting for another taiwa process that holds $lock_file ..."
    flock "$fd"
  fi
  # Not "$@" || ...: that would switch off errexit inside the called function. On failure the
  # script exits and the lock is released with its file descriptor.
  "$@"
  local rc=$?
  flock -u "$fd"
  exec {fd}>&-
  return "$rc"
}

# ---------------------------------------------------------------------------------------------
# Waiting
# ---------------------------------------------------------------------------------------------

# wait_for_port HOST PORT TIMEOUT_S: succeeds once a TCP connection to HOST:PORT opens.
port_open() {
  local host="$1" port="$2"
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
}

wait_for_port() {
  local host="$1" port="$2" timeout_s="$3" start=$SECONDS
  until port_open "$host" "$port"; do
    if ((SECONDS - start >= timeout_s)); then
      warn "Nothing listens on $host:$port after ${timeout_s}s."
      return 1
    fi
    sleep 1
  done
}

# wait_for_http URL TIMEOUT_S: succeeds once URL answers 200.
http_status() {
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" 2>/dev/null || true
  else
    node -e '
      const ac = AbortSignal.timeout(5000);
      fetch(process.argv[1], { signal: ac }).then((r) => console.log(r.status), () => console.log("000"));
    ' "$1" 2>/dev/null || true
  fi
}

wait_for_http() {
  local url="$1" timeout_s="$2" start=$SECONDS code=""
  while :; do
    code="$(http_status "$url")"
    [[ "$code" == 200 ]] && return 0
    if ((SECONDS - start >= timeout_s)); then
      warn "$url did not answer 200 within ${timeout_s}s (last status: ${code:-none})."
      return 1
    fi
    sleep 1
  done
}

# ---------------------------------------------------------------------------------------------
# Background processes: .run/pids/NAME.pid, .run/logs/NAME.log
# ---------------------------------------------------------------------------------------------

# _read_stat PID: sets PS_STATE, PS_PGRP and PS_SID from /proc/PID/stat (no subshells: the
# group scan below reads every process).
_read_stat() {
  local line rest
  local -a fields
  PS_STATE="" PS_PGRP="" PS_SID=""
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  rest="${line##*) }" # after the command name, which may contain spaces and parentheses
  read -r -a fields <<<"$rest"
  PS_STATE="${fields[0]:-}" PS_PGRP="${fields[2]:-}" PS_SID="${fields[3]:-}"
  [[ -n "$PS_STATE" ]]
}

# A process that exists and is not a zombie (PID 1 here does not always reap orphans).
pid_alive() {
  [[ "$1" =~ ^[0-9]+$ ]] || return 1
  _read_stat "$1" || return 1
  [[ "$PS_STATE" != Z && "$PS_STATE" != X ]]
}

# Does any live (non-zombie) process belong to process group PGID?
group_alive() {
  local pgid="$1" dir
  [[ "$pgid" =~ ^[0-9]+$ ]] || return 1
  for dir in /proc/[0-9]*; do
    _read_stat "${dir#/proc/}" || continue
    if [[ "$PS_PGRP" == "$pgid" && "$PS_STATE" != Z && "$PS_STATE" != X ]]; then
      return 0
    fi
  done
  return 1
}

# log_tail FILE [N]: the last N lines (default 40) written since the latest start_bg header.
log_tail() {
  local file="$1" n="${2:-40}"
  [[ -f "$file" ]] || return 0
  awk '/^===== \[taiwa\] /{buf=""; count=0} {buf=buf $0 "\n"; count++} END{printf "%s", buf}' "$file" |
    tail -n "$n"
}

pid_file_of() { printf '%s/pids/%s.pid\n' "$TAIWA_RUN_DIR" "$1"; }
log_file_of() { printf '%s/logs/%s.log\n' "$TAIWA_RUN_DIR" "$1"; }

# service_running NAME: prints the pid and succeeds when NAME's pid file names a live process
# that is still the leader of its own session (as start_bg made it), so a recycled pid is not
# mistaken for ours.
service_running() {
  local pid_file pid
  pid_file="$(pid_file_of "$1")"
  [[ -f "$pid_file" ]] || return 1
  pid="$(tr -dc '0-9' <"$pid_file")"
  [[ -n "$pid" ]] || return 1
  pid_alive "$pid" || return 1
  [[ "$PS_SID" == "$pid" ]] || return 1
  printf '%s\n' "$pid"
}

# start_bg NAME CMD...: starts CMD detached (own session and process group), appending its
# output to .run/logs/NAME.log and its pid to .run/pids/NAME.pid. Does nothing when it runs.
start_bg() {
  local name="$1" pid pid_file log_file i
  shift
  [[ $# -gt 0 ]] || die "start_bg $name: no command given"
  pid_file="$(pid_file_of "$name")"
  log_file="$(log_file_of "$name")"
  mkdir -p "$(dirname "$pid_file")" "$(dirname "$log_file")"
  if pid="$(service_running "$name")"; then
    log "$name is already running (pid $pid); leaving it alone."
    return 0
  fi
  rm -f "$pid_file"
  printf '\n===== [taiwa] %s: starting %s =====\n' "$(date -Is)" "$*" >>"$log_file"
  # The inner bash writes its own pid (it is the session leader after setsid, and so the
  # process group id) and then becomes the command with exec.
  # shellcheck disable=SC2016 # expanded by the inner bash
  nohup setsid bash -c 'printf "%s\n" "$$" >"$1.tmp" && mv -f "$1.tmp" "$1"; shift; exec "$@"' \
    taiwa-start "$pid_file" "$@" >>"$log_file" 2>&1 </dev/null &
  for ((i = 0; i < 50; i++)); do
    [[ -s "$pid_file" ]] && break
    sleep 0.1
  done
  [[ -s "$pid_file" ]] || die "$name did not start (no pid file); see $log_file"
  pid="$(tr -dc '0-9' <"$pid_file")"
  sleep 0.5
  if ! pid_alive "$pid"; then
    warn "$name exited right after start. Last lines of $log_file:"
    log_tail "$log_file" 30 >&2 || true
    rm -f "$pid_file"
    return 1
  fi
  log "Started $name (pid $pid); log: ${log_file#"$TAIWA_ROOT"/}"
}

# stop_bg NAME: TERM to NAME's process group, KILL after 10 s, then removes the pid file.
stop_bg() {
  local name="$1" pid_file pid i
  pid_file="$(pid_file_of "$name")"
  if [[ ! -f "$pid_file" ]]; then
    log "$name is not running (no pid file)."
    return 0
  fi
  pid="$(tr -dc '0-9' <"$pid_file")"
  if [[ -z "$pid" ]] || ! group_alive "$pid"; then
    log "$name is not running (stale pid file ${pid:+for pid $pid} removed)."
    rm -f "$pid_file"
    return 0
  fi
  log "Stopping $name (process group $pid) ..."
  kill -TERM -- "-$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    group_alive "$pid" || break
    sleep 0.1
  done
  if group_alive "$pid"; then
    warn "$name did not stop within 10 s; sending KILL."
    kill -KILL -- "-$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      group_alive "$pid" || break
      sleep 0.1
    done
  fi
  rm -f "$pid_file"
  if group_alive "$pid"; then
    warn "$name (process group $pid) is still alive after KILL."
    return 1
  fi
  log "Stopped $name."
}

# ---------------------------------------------------------------------------------------------
# node_modules
# ---------------------------------------------------------------------------------------------

_node_modules_stale() {
  [[ ! -d "$TAIWA_ROOT/node_modules" ]] ||
    [[ ! -f "$TAIWA_ROOT/node_modules/.package-lock.json" ]] ||
    [[ "$TAIWA_ROOT/package-lock.json" -nt "$TAIWA_ROOT/node_modules/.package-lock.json" ]]
}

_npm_ci_if_stale() {
  if _node_modules_stale; then
    # npm install, not npm ci: the lock file leaves out the native optional packages of other
    # platforms (@swc/core-darwin-*, …), which npm ci counts as out of sync. npm install follows
    # the lock for every package it lists and resolves only those.
    log "Installing dependencies (npm install, following package-lock.json) ..."
    (cd "$TAIWA_ROOT" && npm install --no-audit --no-fund) || die "npm install failed; see the output above."
    touch "$TAIWA_ROOT/node_modules/.package-lock.json"
    log "Dependencies installed."
  else
    log "node_modules is up to date."
  fi
}

ensure_node_modules() {
  command -v npm >/dev/null 2>&1 || die "npm is not on PATH; install Node.js 20.3 or later."
  if _node_modules_stale; then
    with_lock "$TAIWA_RUN_DIR/locks/npm-ci.lock" _npm_ci_if_stale
  else
    log "node_modules is up to date."
  fi
}

# ---------------------------------------------------------------------------------------------
# Temporal CLI
# ---------------------------------------------------------------------------------------------

_find_go() {
  if command -v go >/dev/null 2>&1; then
    command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then
    printf '%s\n' /usr/local/go/bin/go
  else
    return 1
  fi
}

_build_temporal_cli() {
  local target="$1" bin_dir go_bin tmp_bin build_log start=$SECONDS
  bin_dir="$(dirname "$target")"
  build_log="$TAIWA_CACHE_DIR/temporal-build.log"
  if [[ -x "$target" ]]; then
    log "The Temporal CLI was built meanwhile by another process: $target"
    return 0
  fi
  if ! go_bin="$(_find_go)"; then
    if is_debian && is_root; then
      warn "Go is not installed; trying the Debian package (apt-get install -y golang)."
      apt-get update && apt-get install -y golang
      go_bin="$(_find_go)" || die "Go is still missing after apt-get install golang."
    else
      die "Go is needed to build the Temporal CLI once; install Go 1.23 or later (or put 'temporal' on PATH, or set TEMPORAL_CLI_PATH)."
    fi
  fi
  log "Using Go: $go_bin ($("$go_bin" version))"
  log "One-time build of the Temporal CLI $TAIWA_TEMPORAL_CLI_VERSION into $target."
  log "This takes several minutes on a cold cache; later runs reuse the binary. Go output follows (also in $build_log)."
  mkdir -p "$bin_dir"
  tmp_bin="$(mktemp -d "$bin_dir/.build.XXXXXX")"
  if ! CGO_ENABLED=0 GOBIN="$tmp_bin" "$go_bin" install -v \
    "github.com/temporalio/cli/cmd/temporal@$TAIWA_TEMPORAL_CLI_VERSION" 2>&1 |
    tee "$build_log" | sed -u 's/^/[taiwa]   go: /'; then
    rm -rf "$tmp_bin"
    die "Building the Temporal CLI failed; see $build_log (Go >= 1.23 and the Go module proxy are needed)."
  fi
  [[ -x "$tmp_bin/temporal" ]] || {
    rm -rf "$tmp_bin"
    die "go install finished but produced no binary; see $build_log"
  }
  mv -f "$tmp_bin/temporal" "$target" # same directory tree: an atomic rename
  rm -rf "$tmp_bin"
  log "Built the Temporal CLI in $((SECONDS - start))s."
}

ensure_temporal() {
  local cli=""
  if [[ -n "${TEMPORAL_CLI_PATH:-}" ]]; then
    if [[ -x "$TEMPORAL_CLI_PATH" && ! -d "$TEMPORAL_CLI_PATH" ]]; then
      cli="$TEMPORAL_CLI_PATH"
    else
      warn "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH is not an executable file; looking elsewhere."
    fi
  fi
  if [[ -z "$cli" ]] && command -v temporal >/dev/null 2>&1; then
    cli="$(command -v temporal)"
  fi
  if [[ -z "$cli" ]]; then
    cli="$TAIWA_CACHE_DIR/bin/temporal"
    if [[ ! -x "$cli" ]]; then
      with_lock "$TAIWA_CACHE_DIR/temporal-build.lock" _build_temporal_cli "$cli"
    fi
  fi
  local version
  version="$("$cli" --version 2>&1)" || die "$cli --version failed: $version"
  TEMPORAL_CLI_PATH="$cli"
  export TEMPORAL_CLI_PATH
  log "Temporal CLI: $TEMPORAL_CLI_PATH ($version)"
}

# ---------------------------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------------------------

# parse_url URL: sets URL_SCHEME URL_USER URL_PASSWORD URL_HOST URL_PORT URL_PATH URL_QUERY.
# (Shared variables, not locals, so the callers can read them.)
parse_url() {
  local url="$1" rest authority userinfo hostport
  URL_SCHEME="" URL_USER="" URL_PASSWORD="" URL_HOST="" URL_PORT="" URL_PATH="" URL_QUERY=""
  [[ "$url" == *://* ]] || return 1
  URL_SCHEME="${url%%://*}"
  rest="${url#*://}"
  if [[ "$rest" == *\?* ]]; then
    URL_QUERY="${rest#*\?}"
    rest="${rest%%\?*}"
  fi
  authority="${rest%%/*}"
  if [[ "$rest" == */* ]]; then URL_PATH="${rest#*/}"; fi
  if [[ "$authority" == *@* ]]; then
    userinfo="${authority%@*}"
    hostport="${authority##*@}"
    URL_USER="${userinfo%%:*}"
    [[ "$userinfo" == *:* ]] && URL_PASSWORD="${userinfo#*:}"
  else
    hostport="$authority"
  fi
  if [[ "$hostport" == \[* ]]; then # [ipv6]:port
    URL_HOST="${hostport%%]*}]"
    [[ "$hostport" == *]:* ]] && URL_PORT="${hostport##*]:}"
  elif [[ "$hostport" == *:* ]]; then
    URL_HOST="${hostport%%:*}"
    URL_PORT="${hostport##*:}"
  else
    URL_HOST="$hostport"
  fi
  return 0
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------

_pg_ready() {
  local host="${1#[}" port="$2"
  host="${host%]}"
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$host" -p "$port" -t 3 >/dev/null 2>&1
  else
    port_open "$host" "$port"
  fi
}

_wait_pg_ready() {
  local host="$1" port="$2" timeout_s="$3" start=$SECONDS
  until _pg_ready "$host" "$port"; do
    ((SECONDS - start < timeout_s)) || return 1
    sleep 1
  done
}

# The newest PostgreSQL version with a Debian cluster configuration (/etc/postgresql/<version>).
_pg_version_dir() {
  local d
  for d in /etc/postgresql/*/; do
    [[ -d "$d" ]] && basename "$d"
  done | sort -V | tail -n 1
}

_start_local_postgres() {
  local version
  version="$(_pg_version_dir)"
  [[ -n "$version" ]] || return 1
  if [[ ! -d "/etc/postgresql/$version/main" ]] && command -v pg_createcluster >/dev/null 2>&1; then
    log "Creating PostgreSQL $version cluster 'main' ..."
    pg_createcluster "$version" main
  fi
  log "Starting PostgreSQL $version (cluster main) ..."
  pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
    warn "pg_ctlcluster start returned an error (it may already be starting)."
}

# Allows passwordless connections from loopback (the local development default).
_pg_trust_loopback() {
  local version hba marker="# taiwa: trust loopback for local development"
  version="$(_pg_version_dir)"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  [[ -n "$version" && -f "$hba" ]] || return 1
  grep -qF "$marker" "$hba" && return 1
  log "Configuring trust authentication for 127.0.0.1 and ::1 in $hba ..."
  cp -p "$hba" "$hba.taiwa-backup"
  {
    printf '%s\n' "$marker"
    printf 'host    all    all    127.0.0.1/32    trust\n'
    printf 'host    all    all    ::1/128         trust\n'
    cat "$hba.taiwa-backup"
  } >"$hba"
  pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  sleep 1
}

ensure_postgres() {
  export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/taiwa}"
  parse_url "$DATABASE_URL" || die "DATABASE_URL is not a URL: $DATABASE_URL"
  [[ "$URL_SCHEME" == postgres || "$URL_SCHEME" == postgresql ]] ||
    die "DATABASE_URL must start with postgres:// (got $URL_SCHEME://)"
  local host="${URL_HOST:-localhost}" port="${URL_PORT:-5432}" user="${URL_USER:-${PGUSER:-$(id -un)}}"
  local db="${URL_PATH:-$user}" admin_url creds="" query=""
  local where="$host:$port"
  log "PostgreSQL: checking $where (database '$db') ..."

  if ! _pg_ready "$host" "$port"; then
    if ! is_local_host "$host"; then
      log "PostgreSQL at $where is remote; waiting up to 60 s for it to answer ..."
      _wait_pg_ready "$host" "$port" 60 || die "PostgreSQL at $where does not answer."
    else
      if [[ -z "$(_pg_version_dir)" ]]; then
        if is_debian && is_root; then
          log "PostgreSQL is not installed; installing it with apt-get (postgresql) ..."
          apt-get update
          DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
        else
          die "Nothing answers at $where and PostgreSQL is not installed. Install and start it, or set DATABASE_URL."
        fi
      fi
      _start_local_postgres || die "Could not start the local PostgreSQL."
      _wait_pg_ready "$host" "$port" 30 ||
        die "PostgreSQL still does not answer at $where (check the port in /etc/postgresql/*/main/postgresql.conf and the log in /var/log/postgresql)."
    fi
  fi
  log "PostgreSQL answers at $where."

  # Admin connection: same server and credentials, database 'postgres'.
  [[ -n "$URL_USER" ]] && creds="$URL_USER${URL_PASSWORD:+:$URL_PASSWORD}@"
  [[ -n "$URL_QUERY" ]] && query="?$URL_QUERY"
  admin_url="$URL_SCHEME://$creds$host${URL_PORT:+:$URL_PORT}/postgres$query"

  local out
  if ! out="$(psql "$admin_url" -XtAq -c 'SELECT 1' 2>&1)"; then
    if is_local_host "$host" && is_root && [[ -z "$URL_PASSWORD" && -z "${PGPASSWORD:-}" ]] &&
      [[ "$out" == *"password authentication failed"* || "$out" == *"no password supplied"* || "$out" == *"authentication failed"* ]] &&
      _pg_trust_loopback; then
      out="$(psql "$admin_url" -XtAq -c 'SELECT 1' 2>&1)" || die "Cannot connect to PostgreSQL as '$user': $out"
    else
      die "Cannot connect to PostgreSQL at $where as '$user': $out"
    fi
  fi

  local exists
  exists="$(psql "$admin_url" -XtAq -v ON_ERROR_STOP=1 -v "db=$db" <<<"SELECT 1 FROM pg_database WHERE datname = :'db';" 2>&1)" ||
    die "Cannot query PostgreSQL: $exists"
  if [[ "$exists" == 1 ]]; then
    log "Database '$db' exists."
  elif is_local_host "$host"; then
    log "Creating database '$db' ..."
    if ! out="$(psql "$admin_url" -XtAq -v ON_ERROR_STOP=1 -v "db=$db" <<<'CREATE DATABASE :"db";' 2>&1)"; then
      [[ "$out" == *"already exists"* ]] || die "Could not create database '$db': $out"
    fi
    log "Database '$db' created."
  else
    warn "Database '$db' does not exist on the remote server $where; create it there."
  fi
}

# ---------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------

_redis_ping() {
  local out
  if command -v redis-cli >/dev/null 2>&1; then
    out="$(timeout 5 redis-cli -u "$REDIS_URL" ping 2>/dev/null)" || return 1
  else
    local host="${1#[}" port="$2"
    host="${host%]}"
    # shellcheck disable=SC2016 # expanded by the inner bash
    out="$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"; printf "PING\r\n" >&3; head -c 7 <&3' "$host" "$port" 2>/dev/null)" || return 1
  fi
  [[ "$out" == *PONG* ]]
}

_wait_redis() {
  local host="$1" port="$2" timeout_s="$3" start=$SECONDS
  until _redis_ping "$host" "$port"; do
    ((SECONDS - start < timeout_s)) || return 1
    sleep 1
  done
}

_start_local_redis() {
  local port="$1"
  mkdir -p /var/lib/redis /var/log/redis
  log "Starting redis-server on 127.0.0.1:$port ..."
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
}

ensure_redis() {
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
  parse_url "$REDIS_URL" || die "REDIS_URL is not a URL: $REDIS_URL"
  local host="${URL_HOST:-127.0.0.1}" port="${URL_PORT:-6379}"
  local where="$host:$port"
  log "Redis: checking $where ..."
  if ! _redis_ping "$host" "$port"; then
    if ! is_local_host "$host"; then
      log "Redis at $where is remote; waiting up to 60 s for it to answer ..."
      _wait_redis "$host" "$port" 60 || die "Redis at $where does not answer PING."
    else
      if ! command -v redis-server >/dev/null 2>&1; then
        if is_debian && is_root; then
          log "Redis is not installed; installing it with apt-get (redis-server) ..."
          apt-get update
          DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server
        else
          die "Nothing answers at $where and redis-server is not installed. Install and start it, or set REDIS_URL."
        fi
      fi
      # The package's own service may have started it meanwhile.
      if ! _redis_ping "$host" "$port"; then
        _start_local_redis "$port" || die "redis-server did not start (see /var/log/redis/ci.log)."
      fi
      _wait_redis "$host" "$port" 20 || die "Redis does not answer PING at $where (see /var/log/redis/ci.log)."
    fi
  fi
  log "Redis answers at $where."
}

# ---------------------------------------------------------------------------------------------
# Chromium (browser tests: playwright-core drives Debian's chromium; no browser download)
# ---------------------------------------------------------------------------------------------

ensure_chromium() {
  local bin="${TAIWA_CHROMIUM_PATH:-/usr/bin/chromium}"
  if [[ ! -x "$bin" ]]; then
    if is_debian && is_root; then
      log "Chromium is not installed; installing Debian's chromium (and CJK fonts for the Japanese UI) ..."
      apt-get update
      DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk || die "apt-get install chromium failed."
    else
      die "$bin is missing: install Debian's chromium package (apt-get install chromium) or set TAIWA_CHROMIUM_PATH."
    fi
  fi
  [[ -x "$bin" ]] || die "$bin is still missing after installing chromium."
  log "Chromium: $bin ($("$bin" --version 2>/dev/null || echo 'version unknown'))"
}

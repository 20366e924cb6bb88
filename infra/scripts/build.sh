#!/usr/bin/env bash
# Compiles the workspace into dist/, writes the Temporal workflow bundle and builds the web UI
# (apps/web, with Vite) into dist/web, which the API serves at /.
#   bash infra/scripts/build.sh            rebuild only when sources changed since the last build
#   bash infra/scripts/build.sh --force    always rebuild
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TAIWA_ROOT"

force=0
for arg in "$@"; do
  case "$arg" in
    --force | -f) force=1 ;;
    -h | --help)
      sed -n '2,4p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "Unknown argument: $arg (use --force to rebuild)" ;;
  esac
done

STAMP="dist/.build-stamp"
BUNDLE="dist/workflow-bundle.js"
WEB_INDEX="dist/web/index.html"

# Prints the first input newer than the stamp (sources, and the configs that shape the output).
first_changed_input() {
  local -a inputs=()
  local d f
  for d in apps libs workflows bench; do [[ -d "$d" ]] && inputs+=("$d"); done
  for f in tsconfig.base.json tsconfig.build.json package-lock.json; do [[ -f "$f" ]] && inputs+=("$f"); done
  [[ ${#inputs[@]} -gt 0 ]] || return 0
  find "${inputs[@]}" -newer "$STAMP" -not -path '*/node_modules/*' -print -quit 2>/dev/null
}

do_build() {
  local start=$SECONDS changed
  if ((force == 0)) && [[ -f "$STAMP" && -f "$BUNDLE" && -f "$WEB_INDEX" ]]; then
    changed="$(first_changed_input)"
    if [[ -z "$changed" ]]; then
      log "Build is up to date (nothing under apps/ libs/ workflows/ is newer than $STAMP); use --force to rebuild."
      return 0
    fi
    log "Rebuilding: $changed changed since the last build."
  elif ((force == 1)); then
    log "Rebuilding (--force)."
  else
    log "Building (no previous build)."
  fi

  # Taken before compiling, so a source edited during the build is seen as newer next time.
  local pending_stamp="$TAIWA_RUN_DIR/build-stamp.pending"
  mkdir -p "$TAIWA_RUN_DIR"
  touch "$pending_stamp"

  # A clean dist/, so no compiled file of a deleted source (a migration, say) survives.
  rm -rf dist

  log "Step 1/4: compiling TypeScript (tsc -p tsconfig.build.json) ..."
  npx --no -- tsc -p tsconfig.build.json || die "TypeScript compilation failed."

  log "Step 2/4: rewriting @taiwa/* path aliases in dist (tsc-alias) ..."
  npx --no -- tsc-alias -p tsconfig.build.json || die "tsc-alias failed."

  log "Step 3/4: bundling the Temporal workflows into $BUNDLE ..."
  [[ -f dist/apps/worker/src/build-bundle.js ]] ||
    die "dist/apps/worker/src/build-bundle.js is missing (is apps/worker/src/build-bundle.ts there?)."
  node dist/apps/worker/src/build-bundle.js "$BUNDLE" || die "Bundling the workflows failed."
  [[ -f "$BUNDLE" ]] || die "The bundler finished but $BUNDLE is missing."

  log "Step 4/4: type-checking and building the web UI (apps/web) into dist/web ..."
  npx --no -- tsc -p apps/web/tsconfig.json || die "The web UI does not type-check."
  npx --no -- vite build --config apps/web/vite.config.mjs --logLevel warn || die "Building the web UI failed."
  [[ -f "$WEB_INDEX" ]] || die "Vite finished but $WEB_INDEX is missing."

  mv -f "$pending_stamp" "$STAMP"
  log "Build finished in $((SECONDS - start))s."
}

ensure_node_modules
with_lock "$TAIWA_RUN_DIR/locks/build.lock" do_build

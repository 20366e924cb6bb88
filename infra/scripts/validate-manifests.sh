#!/usr/bin/env bash
# Validates infra/k8s (every document decoded strictly into its Kubernetes type: an unknown or
# misspelt field fails; probes, resources, HPA and PDB targets checked) and the YAML of infra/helm,
# without a cluster. The validator (infra/k8s/validate, Go) is built once into the cache dir from
# the Go module proxy; go.sum pins every module, so later runs need no network.
set -euo pipefail
# shellcheck source=infra/scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TAIWA_ROOT"

src="infra/k8s/validate"
hash="$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -c1-16)"
bin="$TAIWA_CACHE_DIR/bin/taiwa-validate-manifests-$hash"
if [[ ! -x "$bin" ]]; then
  go_bin="$(_find_go)" || die "Go is needed once to build the manifest validator (install Go 1.23 or later)."
  log "Building the manifest validator into $bin ..."
  mkdir -p "$(dirname "$bin")"
  (cd "$src" && GOFLAGS="-mod=readonly -buildvcs=false" "$go_bin" build -o "$bin.tmp" .) || die "Building the manifest validator failed."
  mv -f "$bin.tmp" "$bin"
fi
"$bin" infra/k8s infra/helm

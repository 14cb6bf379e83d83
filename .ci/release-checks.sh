#!/usr/bin/env bash
# Release checks for hootwire, run by .ci/run: every release target still
# builds and vets with the release toolchain, and govulncheck finds no known
# vulnerability that the release binaries would carry. A release is built
# with a newer Go than the one installed here, because the standard library
# fixes that hootwire's HTTP server and TLS client need come with it; so the
# checks use that toolchain, not the local one.
#
# Needs only the Go module proxy: the toolchain, govulncheck and the
# vulnerability database all come from it, so this works offline otherwise
# and from nothing on a fresh machine. The database is built once per
# vulndb version and cached, since building it takes minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

# Keep these in step with .goreleaser.yaml (the toolchain and the targets).
release_go=go1.27.3
govulncheck_version=v1.9.0
vulndb_version=v0.0.0-20261105234957-e22db6528018
targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)

# The machine's go env may pin GOTOOLCHAIN=local; an explicit value in the
# environment overrides it, which is how the release toolchain is chosen.
export GOTOOLCHAIN=$release_go

started=$SECONDS
step() { printf '\n== %s\n' "$*"; }

step "release toolchain"
go version

step "cross-compile and vet each release target (CGO_ENABLED=0)"
# quietly runs a command with its output kept aside, so that a pass is one
# line per target and a failure shows everything.
quietly() {
  local log
  log=$(mktemp)
  if "$@" >"$log" 2>&1; then
    rm -f "$log"
    return 0
  fi
  cat "$log"
  rm -f "$log"
  return 1
}
for target in "${targets[@]}"; do
  t0=$SECONDS
  export GOOS=${target%/*} GOARCH=${target#*/} CGO_ENABLED=0
  if ! quietly go build -o /dev/null ./...; then
    echo "$target: build FAILED"
    exit 1
  fi
  # The end-to-end tests drive tmux and send Unix signals: their files
  # build on Unix only, and say so.
  if ! quietly go vet ./...; then
    echo "$target: build ok, vet FAILED"
    exit 1
  fi
  echo "$target: build ok, vet ok ($((SECONDS - t0))s)"
done
unset GOOS GOARCH CGO_ENABLED

step "govulncheck $govulncheck_version, offline database from golang.org/x/vulndb@$vulndb_version"
cache=${XDG_CACHE_HOME:-$HOME/.cache}/hootwire-ci
db=$cache/vulndb-$vulndb_version
if [ -f "$db/index/db.json" ]; then
  echo "using the cached database in $db"
else
  t0=$SECONDS
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/.build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  # Outside the project's module, so that nothing is added to its go.sum.
  src=$(cd "$work" && go mod download -json "golang.org/x/vulndb@$vulndb_version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  if [ -z "$src" ] || [ ! -d "$src/data/osv" ]; then
    echo "golang.org/x/vulndb@$vulndb_version has no data/osv folder (module directory: '${src}')" >&2
    exit 1
  fi
  # indexdb turns the module's OSV reports into the v1 database layout
  # that govulncheck reads from a file:// URL.
  (cd "$work" && go run "golang.org/x/vulndb/cmd/indexdb@$vulndb_version" \
    -vulns "$src/data/osv" -out "$work/db")
  # Moved into place only when complete, so an interrupted build is
  # never taken for a database; a concurrent run that got there first wins.
  if ! mv -T "$work/db" "$db" 2>/dev/null && [ ! -f "$db/index/db.json" ]; then
    echo "could not move the database into $db" >&2
    exit 1
  fi
  echo "built the database from $(find "$src/data/osv" -name '*.json' | wc -l) reports in $((SECONDS - t0))s: $db"
fi

t0=$SECONDS
# govulncheck exits non-zero on any finding, which fails CI; it scans with
# the release toolchain's standard library because GOTOOLCHAIN is exported.
go run "golang.org/x/vuln/cmd/govulncheck@$govulncheck_version" -db "file://$db" ./...
echo "govulncheck: no findings ($((SECONDS - t0))s)"

echo
echo "release checks passed in $((SECONDS - started))s."

#!/usr/bin/env bash
# Installs the `pulumi` CLI, its Python language host and the two shims the CLI ships beside them,
# by building Pulumi's published Go modules through the Go module proxy. The result is cached
# outside the repository, keyed by version, so a second run takes a moment.
#
# The last line printed on stdout is the directory holding the binaries. A `pulumi` of the pinned
# version already on PATH, with its Python language host, is used as it is.
#
# scripts/pulumi-cli/ is a wrapper module: pkg/v3 and the language host carry directory replaces in
# their go.mod files, so `go install …@version` refuses them, while a module that requires them
# ignores those replaces (only the clipboard fork has to be repeated). Its go.sum pins every hash.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wrapper="$repo_root/scripts/pulumi-cli"
log() { echo "install-pulumi-cli: $*" >&2; }

# The CLI version follows the `pulumi` Python SDK pinned in pyproject.toml, and the wrapper module
# must agree with it.
PULUMI_VERSION="$(sed -n 's/^[[:space:]]*"pulumi==\([0-9.]*\)".*/\1/p' "$repo_root/pyproject.toml" | head -1)"
if [[ -z "$PULUMI_VERSION" ]]; then
    log "no \"pulumi==X.Y.Z\" pin found in $repo_root/pyproject.toml"
    exit 1
fi
if ! grep -q "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION" "$wrapper/go.mod"; then
    log "scripts/pulumi-cli/go.mod does not require pkg/v3 v$PULUMI_VERSION (the pyproject.toml pin);"
    log "update it with: cd scripts/pulumi-cli && go get -tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v$PULUMI_VERSION"
    exit 1
fi

if [[ -z "${PULUMI_GOVERNANCE_FORCE_BUILD:-}" ]] && command -v pulumi >/dev/null 2>&1 \
    && command -v pulumi-language-python >/dev/null 2>&1 \
    && [[ "$(pulumi version 2>/dev/null || true)" == "v$PULUMI_VERSION" ]]; then
    log "using pulumi v$PULUMI_VERSION from PATH"
    dirname "$(command -v pulumi)"
    exit 0
fi

cache_root="${PULUMI_GOVERNANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-governance}"
sum_key="$(sha256sum "$wrapper/go.mod" "$wrapper/go.sum" | sha256sum | cut -c1-12)"
install_dir="$cache_root/pulumi-cli/v$PULUMI_VERSION-$sum_key"
bin_dir="$install_dir/bin"

if [[ -f "$install_dir/.complete" ]]; then
    log "pulumi v$PULUMI_VERSION already built in $bin_dir"
    echo "$bin_dir"
    exit 0
fi

if ! command -v go >/dev/null 2>&1; then
    log "the Go toolchain (go) is needed to build the pulumi CLI and is not on PATH"
    exit 1
fi

log "building pulumi v$PULUMI_VERSION from Go modules into $bin_dir"
log "a cold build downloads a few hundred MB of modules and compiles for 10-30 minutes on 2 cores"
rm -rf "$install_dir"
mkdir -p "$bin_dir"
cd "$wrapper"

# go.sum is authoritative: nothing outside it is fetched or accepted. The checksum database relayed
# by the proxy does not list every Pulumi module version, so it is not asked.
export GOFLAGS=-mod=readonly
export GONOSUMDB="github.com/pulumi/pulumi"
export CGO_ENABLED=0

log "downloading modules (1/3)"
go mod download -x 2>&1 | grep -E '^# get .*\.zip: 200' | sed 's/^# get /  /' >&2 || true
go mod verify >/dev/null

ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
build() { go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$bin_dir/$1" "$2"; }

log "building pulumi-language-python (2/3)"
build pulumi-language-python github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
log "building pulumi (3/3), the long step"
build pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

# The shims are plain files in the sdk/v3 module; module-cache files are read-only, not executable.
# pulumi-language-python-exec must sit in the same directory as pulumi-language-python.
sdk_dir="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$bin_dir/"
install -m 0755 "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$bin_dir/"
install -m 0755 "$sdk_dir/python/dist/pulumi-analyzer-policy-python" "$bin_dir/"

built="$("$bin_dir/pulumi" version)"
if [[ "$built" != "v$PULUMI_VERSION" ]]; then
    log "the built pulumi reports $built, expected v$PULUMI_VERSION"
    exit 1
fi
touch "$install_dir/.complete"
log "installed pulumi $built in $bin_dir"
echo "$bin_dir"

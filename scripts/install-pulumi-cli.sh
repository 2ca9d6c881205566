#!/usr/bin/env bash
# Installs the `pulumi` CLI and its Python language host by building Pulumi's published Go
# modules through the Go module proxy, cached outside the repository and keyed by version.
#
# Prints the directory that holds `pulumi`, `pulumi-language-python` and the two shims as its last
# line of output. A `pulumi` of the required version already on PATH (with its language host) is
# used as it is.
#
# Why a wrapper module: the pkg/v3 and language-host go.mod files carry directory replaces, so
# `go install …@version` refuses them. A module that merely requires them ignores their replaces;
# only the module-to-module one (the clipboard fork) has to be repeated.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The CLI version follows the `pulumi` Python SDK pinned in pyproject.toml.
PULUMI_VERSION="$(sed -n 's/^[[:space:]]*"pulumi==\([0-9.]*\)".*/\1/p' "$repo_root/pyproject.toml" | head -1)"
if [[ -z "$PULUMI_VERSION" ]]; then
    echo "install-pulumi-cli: no \"pulumi==X.Y.Z\" pin found in $repo_root/pyproject.toml" >&2
    exit 1
fi
# The language host module has no tags; this pseudo-version is the newest commit the module proxy
# serves whose source builds against the pinned release (it lies between 3.187.0 and 3.188.0).
LANGUAGE_HOST_VERSION="v3.0.0-20250806165243-bee5e4fa4815"
CLIPBOARD_FORK="github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"

cache_root="${PULUMI_GOVERNANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-governance}"
install_dir="$cache_root/pulumi-cli/v$PULUMI_VERSION"
bin_dir="$install_dir/bin"

log() { echo "install-pulumi-cli: $*" >&2; }

# A suitable CLI on PATH wins: the same version, with the Python language host beside it.
if [[ -z "${PULUMI_GOVERNANCE_FORCE_BUILD:-}" ]] && command -v pulumi >/dev/null 2>&1 \
    && command -v pulumi-language-python >/dev/null 2>&1; then
    on_path="$(pulumi version 2>/dev/null || true)"
    if [[ "$on_path" == "v$PULUMI_VERSION" ]]; then
        log "using pulumi $on_path from PATH"
        dirname "$(command -v pulumi)"
        exit 0
    fi
fi

if [[ -x "$bin_dir/pulumi" && -x "$bin_dir/pulumi-language-python" && -f "$install_dir/.complete" ]]; then
    log "pulumi v$PULUMI_VERSION already built in $bin_dir"
    echo "$bin_dir"
    exit 0
fi

if ! command -v go >/dev/null 2>&1; then
    log "the Go toolchain (go) is required to build the pulumi CLI and was not found on PATH"
    exit 1
fi

log "building pulumi v$PULUMI_VERSION from Go modules into $bin_dir"
log "a cold build downloads a few hundred MB of modules and takes tens of minutes on 2 cores"

work="$install_dir/wrapper"
rm -rf "$work" "$bin_dir"
mkdir -p "$work" "$bin_dir"
cd "$work"

cat > go.mod <<MOD
module pulumigovernance.invalid/pulumi-cli

go $(go env GOVERSION | sed 's/^go\([0-9]*\.[0-9]*\).*/\1/')

replace github.com/atotto/clipboard => $CLIPBOARD_FORK
MOD

export GOFLAGS=-mod=mod
# The checksum database the proxy relays does not list every Pulumi module version; the hashes
# recorded in go.sum after resolution are what later builds check against.
export GONOSUMDB="github.com/pulumi/pulumi"
export CGO_ENABLED=0

log "resolving modules (1/3)"
go get -x \
    "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" \
    "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" \
    "github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3@$LANGUAGE_HOST_VERSION" \
    2>&1 | grep -E '^(go: downloading|go: added|# get .*\.zip: 200)' >&2 || true
if ! grep -q "github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION" go.mod; then
    log "could not resolve github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION through $(go env GOPROXY)"
    exit 1
fi

ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
build() {
    go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$bin_dir/$1" "$2"
}

log "building pulumi-language-python (2/3)"
build pulumi-language-python github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
log "building pulumi (3/3), the long step"
build pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

sdk_dir="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$bin_dir/"
install -m 0755 "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$bin_dir/"

built="$("$bin_dir/pulumi" version)"
if [[ "$built" != "v$PULUMI_VERSION" ]]; then
    log "built pulumi reports $built, expected v$PULUMI_VERSION"
    exit 1
fi
rm -rf "$work"
touch "$install_dir/.complete"
log "installed pulumi $built in $bin_dir"
echo "$bin_dir"

#!/usr/bin/env bash
# Installs the `pulumi` CLI with its Python, Node.js and YAML language hosts and the shims the CLI
# ships beside them, by building Pulumi's published Go modules through the Go module proxy. The
# results are cached outside the repository, so a second run takes a moment.
#
# The last line printed on stdout is the one directory holding all of them (put it on PATH). A
# `pulumi` of the pinned version already on PATH, with the three language hosts, is used as it is.
# Progress is one line per step on stderr; the Go tool's output goes to the setup log.
#
# The CLI version is the pkg/v3 requirement in scripts/pulumi-cli/go.mod, a wrapper module: pkg/v3
# and the language hosts carry directory replaces in their go.mod files, so `go install …@version`
# refuses them, while a module that requires them ignores those replaces (only the clipboard fork
# has to be repeated). Its go.sum pins every hash. The YAML host is built on its own (see
# scripts/lib/versions.sh).
#
# Cache layout (under ~/.cache/pulumi-governance):
#   go-tools/<binary>/<key>/   one build of one binary; the key covers the exact module versions
#                              it is linked from, the Go version and the build flags, so a change to
#                              the wrapper module rebuilds only the binaries it really changes
#   pulumi-cli/v<version>-<key>/bin/   the assembled set (hard links), keyed by the wrapper
#                              module, the YAML host version and this recipe
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
wrapper="$repo_root/scripts/pulumi-cli"
# shellcheck source=lib/steps.sh
source "$repo_root/scripts/lib/steps.sh"
# shellcheck source=lib/versions.sh
source "$repo_root/scripts/lib/versions.sh"

PULUMI_VERSION="$(pulumi_cli_version "$repo_root")"
# How each binary is built: part of every binary's cache key (changing it rebuilds them all).
BUILD_RECIPE="3 tags=osusergo,grpcnotrace trimpath cgo=0 stripped"
# What the assembled set holds beside the binaries: bump it when a shim is added, which then
# costs a second (the binaries' builds are reused).
SET_RECIPE="4 shims: python-exec resource-python analyzer-policy-python resource-nodejs"
HOSTS=(pulumi-language-python pulumi-language-nodejs pulumi-language-yaml)

on_path_ok() {
    [[ -z "${PULUMI_GOVERNANCE_FORCE_BUILD:-}" ]] || return 1
    command -v pulumi >/dev/null 2>&1 || return 1
    local host
    for host in "${HOSTS[@]}"; do
        command -v "$host" >/dev/null 2>&1 || return 1
    done
    [[ "$(pulumi version 2>/dev/null || true)" == "v$PULUMI_VERSION" ]]
}
if on_path_ok; then
    echo "setup: using pulumi v$PULUMI_VERSION and its language hosts from PATH" >&2
    dirname "$(command -v pulumi)"
    exit 0
fi

cache_root="${PULUMI_GOVERNANCE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-governance}"
set_key="$( (cat "$wrapper/go.mod" "$wrapper/go.sum"
    echo "$YAML_HOST_MODULE@$YAML_HOST_VERSION $YAML_HOST_SUM $BUILD_RECIPE $SET_RECIPE") | sha256sum | cut -c1-12)"
install_dir="$cache_root/pulumi-cli/v$PULUMI_VERSION-$set_key"
bin_dir="$install_dir/bin"

if [[ -f "$install_dir/.complete" ]]; then
    step_done "pulumi CLI v$PULUMI_VERSION and language hosts" "cached"
    echo "$bin_dir"
    exit 0
fi

if ! command -v go >/dev/null 2>&1; then
    echo "setup: the Go toolchain (go) is needed to build the pulumi CLI and is not on PATH" >&2
    exit 1
fi

steps_log_init "$repo_root"
mkdir -p "$cache_root"
# One build at a time per machine: several checkouts share this cache.
exec 9>"$cache_root/.build.lock"
if ! flock -n 9; then
    step_note "waiting for another build of the pulumi CLI on this machine to finish"
    flock 9
fi
if [[ -f "$install_dir/.complete" ]]; then
    step_done "pulumi CLI v$PULUMI_VERSION and language hosts" "cached (built meanwhile)"
    echo "$bin_dir"
    exit 0
fi

# go.sum is authoritative: nothing outside it is fetched or accepted. The checksum database relayed
# by the proxy does not list every Pulumi module version, so it is not asked for Pulumi's modules.
export GOFLAGS=-mod=readonly
export GONOSUMDB="github.com/pulumi/pulumi"
export CGO_ENABLED=0
go_version="$(go env GOVERSION GOOS GOARCH | tr '\n' ' ')"
tools_dir="$cache_root/go-tools"
cd "$wrapper"

if [[ ! -d "$(go env GOMODCACHE)/github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" ]]; then
    step_note "first build on this machine: about 1.4 GB of Go modules to download, then 10-30"
    step_note "minutes of compiling on 2 cores; every later run takes a second"
fi
step "Go modules for pulumi v$PULUMI_VERSION" bash -c 'go mod download -x && go mod verify'

# tool_key PACKAGE: what a build of PACKAGE depends on, as a short hash.
tool_key() {
    {
        echo "$go_version $BUILD_RECIPE $PULUMI_VERSION $1"
        go list -deps -tags osusergo,grpcnotrace \
            -f '{{with .Module}}{{.Path}}@{{.Version}}{{with .Replace}}=>{{.Path}}@{{.Version}}{{end}}{{end}}' \
            "$1" | sort -u
    } | sha256sum | cut -c1-16
}

ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION"
build_tool() {  # build_tool NAME PACKAGE: into go-tools/NAME/<key>/NAME unless already there
    local name="$1" package="$2" dir
    dir="$tools_dir/$name/$(tool_key "$package")"
    if [[ -x "$dir/$name" ]]; then
        step_done "$name" "cached"
    else
        [[ "$name" != pulumi ]] || step_note "building the pulumi CLI: the long step (~2 min with a warm Go cache)"
        mkdir -p "$dir"
        step "building $name" go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" \
            -o "$dir/$name.partial" "$package"
        mv "$dir/$name.partial" "$dir/$name"
    fi
    echo "$dir/$name" >>"$manifest"
}

manifest="$(mktemp)"
trap 'rm -f "$manifest"' EXIT
build_tool pulumi-language-python github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3
build_tool pulumi-language-nodejs github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
build_tool pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

# The YAML host, from its own module and go.sum (`go install module@version`), its hash checked.
yaml_dir="$tools_dir/pulumi-language-yaml/$(echo "$go_version $BUILD_RECIPE $YAML_HOST_MODULE@$YAML_HOST_VERSION $YAML_HOST_SUM" | sha256sum | cut -c1-16)"
if [[ -x "$yaml_dir/pulumi-language-yaml" ]]; then
    step_done "pulumi-language-yaml $YAML_HOST_VERSION" "cached"
else
    build_yaml_host() {
        local got
        got="$(cd / && GOFLAGS= go mod download -json "$YAML_HOST_MODULE@$YAML_HOST_VERSION" \
            | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p')"
        if [[ "$got" != "$YAML_HOST_SUM" ]]; then
            echo "$YAML_HOST_MODULE@$YAML_HOST_VERSION has hash '$got', expected $YAML_HOST_SUM"
            return 1
        fi
        rm -rf "$yaml_dir/gobin"
        mkdir -p "$yaml_dir/gobin"
        (cd / && GOFLAGS= GOBIN="$yaml_dir/gobin" go install -x -trimpath -tags osusergo,grpcnotrace \
            -ldflags "-s -w -X $YAML_HOST_MODULE/pkg/version.Version=$YAML_HOST_VERSION" \
            "$YAML_HOST_MODULE/cmd/pulumi-language-yaml@$YAML_HOST_VERSION")
        mv "$yaml_dir/gobin/pulumi-language-yaml" "$yaml_dir/pulumi-language-yaml"
        rmdir "$yaml_dir/gobin"
    }
    step_note "the YAML language host builds from its own modules: ~3 min the first time"
    step "building pulumi-language-yaml $YAML_HOST_VERSION" build_yaml_host
fi
echo "$yaml_dir/pulumi-language-yaml" >>"$manifest"

assemble() {
    rm -rf "$install_dir"
    mkdir -p "$bin_dir"
    local binary
    while read -r binary; do
        ln "$binary" "$bin_dir/" 2>/dev/null || cp "$binary" "$bin_dir/"
    done <"$manifest"
    # The shims are plain files in the sdk/v3 module (read-only there, not executable).
    # pulumi-language-python-exec must sit in the same directory as pulumi-language-python.
    local sdk_dir
    sdk_dir="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
    install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$bin_dir/"
    install -m 0755 "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$bin_dir/"
    install -m 0755 "$sdk_dir/python/dist/pulumi-analyzer-policy-python" "$bin_dir/"
    install -m 0755 "$sdk_dir/nodejs/dist/pulumi-resource-pulumi-nodejs" "$bin_dir/"
    local built
    built="$("$bin_dir/pulumi" version)"
    if [[ "$built" != "v$PULUMI_VERSION" ]]; then
        echo "the built pulumi reports $built, expected v$PULUMI_VERSION"
        return 1
    fi
    touch "$install_dir/.complete"
}
step "assembling pulumi v$PULUMI_VERSION in $bin_dir" assemble
echo "$bin_dir"

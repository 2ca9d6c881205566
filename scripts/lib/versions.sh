# Sourced by the setup scripts. The pulumi CLI version has one home: the pkg/v3 requirement of the
# wrapper module scripts/pulumi-cli/go.mod. The npm SDK the TypeScript consumer installs follows it.

pulumi_cli_version() {
    local go_mod="$1/scripts/pulumi-cli/go.mod" version
    version="$(sed -n 's|^[[:space:]]*github.com/pulumi/pulumi/pkg/v3 v\([0-9][0-9.]*\)\([[:space:]].*\)\{0,1\}$|\1|p' \
        "$go_mod" | head -1)"
    if [[ -z "$version" ]]; then
        echo "no github.com/pulumi/pulumi/pkg/v3 requirement found in $go_mod" >&2
        return 1
    fi
    echo "$version"
}

# The YAML language host is built on its own (its pkg/v3 requirement is newer than the CLI's, and
# minimal version selection would raise the CLI if both shared the wrapper module). Its module
# hash is pinned here, as go.sum pins the wrapper's.
YAML_HOST_MODULE=github.com/pulumi/pulumi-yaml
YAML_HOST_VERSION=v1.25.0
YAML_HOST_SUM="h1:fy/AKkIafzwtk/6Bj9KFXGj6uqYWGXY31UmLvhrfjqs="

# Source this to use the full-stack toolchain that build.sh made:
#   source testenv/toolchain/env.sh
# Puts its bin first on PATH, keeps Pulumi from downloading anything, and
# points kwokctl's binary runtime at the local binaries. Give each cluster
# its own KWOK_WORKDIR and pass `-c testenv/toolchain/kwok.yaml` (loopback only).
# shellcheck shell=bash

toolchain_bin=${CCAAS_CACHE:-$HOME/.cache/fabric-ccaas}/toolchain/bin
export PATH="$toolchain_bin:$PATH"

export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

export KWOK_RUNTIME=binary
KWOK_KUBE_VERSION=v$(sed -n 's/^kubernetes_version=//p' "$(dirname "${BASH_SOURCE[0]}")/components.sh")
export KWOK_KUBE_VERSION
export KWOK_KUBE_BINARY_PREFIX="$toolchain_bin"
export KWOK_KUBECTL_BINARY="$toolchain_bin/kubectl"
export KWOK_CONTROLLER_BINARY="$toolchain_bin/kwok"
export KWOK_ETCD_BINARY="$toolchain_bin/etcd"
# kwokctl picks etcd flags by version; Debian's etcd is older than its default.
if [ -x "$KWOK_ETCD_BINARY" ]; then
  KWOK_ETCD_VERSION=$("$KWOK_ETCD_BINARY" --version | sed -n 's/^etcd Version: //p')
  export KWOK_ETCD_VERSION
fi

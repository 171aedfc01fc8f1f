# Source this to use the full-stack toolchain that build.sh made:
#   source testenv/toolchain/env.sh
# Puts its bin first on PATH and keeps Pulumi from downloading anything.
# shellcheck shell=bash

toolchain_bin=${CCAAS_CACHE:-$HOME/.cache/fabric-ccaas}/toolchain/bin
export PATH="$toolchain_bin:$PATH"

export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

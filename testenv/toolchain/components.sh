# Recipes for the full-stack toolchain, sourced by build.sh (which sets
# $here, $repo, $work and the Go environment). Each build_<component> gets the
# component's partial folder and puts its binaries in "$1/bin".
# shellcheck shell=bash

pulumi_version=3.259.0
# The proxy refuses the Node language host's own module
# (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) at every
# version; sdk/v3 v3.68.0 is the newest release the proxy serves that still
# carries the host inside sdk/v3.
langhost_version=3.68.0
# The proxy refuses provider/v4@v4.32.0 (and its commit); this main-branch
# commit of 2026-01-15 (f47bc2d) is the only provider/v4 version it serves.
k8s_provider_version=4.0.0-20260115033456-f47bc2d6f199
# The provider replaces its Go SDK with ../sdk, which the zip lacks; this is
# the newest published SDK that needs no newer pulumi sdk/v3 than the
# provider's own (v3.215.0).
k8s_provider_sdk_version=4.22.2
tls_provider_version=5.5.1
command_provider_version=1.2.1
command_provider_commit=7f3eb6f3b77cd0fa3895ba437a695dd393f7dd25
kubernetes_version=1.34.9
# Not Debian's etcd 3.4.23: the API server serves watch-list streams only on
# etcd >= 3.4.31 / 3.5.13 (RequestWatchProgress); client-go 0.34+ asks for
# them, and refused, its informers re-list with back-off.
etcd_version=3.6.16
# The real node's cluster DNS and NetworkPolicy enforcer (kube-router with only its firewall on).
coredns_version=1.15.0
kube_router_version=2.1.0
# Not for the e2e tier: .ci/run's workflow lint tier (testenv/lint-workflows.sh).
actionlint_version=1.7.12

# What the e2e tier needs (.ci/run gates it on `build.sh --check` of these).
e2e_components=(etcd pulumi-language-nodejs kubernetes pulumi pulumi-resource-kubernetes
  pulumi-resource-tls pulumi-resource-command coredns kube-router)
# What a real node needs of them (testenv/node); the rest of the node comes from Debian's packages.
node_components=(etcd kubernetes coredns kube-router)
components=("${e2e_components[@]}" actionlint)

# Where each component may come from, in order of preference (build.sh: from_path, from_acquire, from_build).
sources_of() {
  case "$1" in
    pulumi) echo path build ;;
    pulumi-resource-tls | pulumi-resource-command | pulumi-resource-kubernetes) echo path acquire build ;;
    *) echo build ;;
  esac
}

# The release `pulumi plugin install` asks for (the kubernetes provider's build uses the proxy's pseudo-version).
acquire_version_of() {
  case "$1" in
    pulumi-resource-kubernetes) echo 4.32.0 ;;
    *) version_of "$1" ;;
  esac
}

version_of() {
  case "$1" in
    etcd) echo "$etcd_version" ;;
    kubernetes) echo "$kubernetes_version" ;;
    pulumi) echo "$pulumi_version" ;;
    pulumi-language-nodejs) echo "$langhost_version" ;;
    pulumi-resource-kubernetes) echo "$k8s_provider_version" ;;
    pulumi-resource-tls) echo "$tls_provider_version" ;;
    pulumi-resource-command) echo "$command_provider_version" ;;
    actionlint) echo "$actionlint_version" ;;
    coredns) echo "$coredns_version" ;;
    kube-router) echo "$kube_router_version" ;;
  esac
}

binaries_of() {
  case "$1" in
    etcd) echo etcd ;;
    kubernetes) echo kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy ;;
    pulumi) echo pulumi pulumi-resource-pulumi-nodejs ;;
    pulumi-language-nodejs) echo pulumi-language-nodejs pulumi-language-nodejs-proxy ;;
    *) echo "$1" ;;
  esac
}

provenance_of() {
  local source
  case "$1" in
    etcd) source="Go module go.etcd.io/etcd/server/v3@v$etcd_version with its sibling modules at the same version" ;;
    kubernetes) source="Go module k8s.io/kubernetes@v$kubernetes_version with staging modules at v0.${kubernetes_version#1.}" ;;
    pulumi) source="Go module github.com/pulumi/pulumi/pkg/v3@v$pulumi_version; scripts from npm @pulumi/pulumi@$pulumi_version" ;;
    pulumi-language-nodejs) source="Go module github.com/pulumi/pulumi/sdk/v3@v$langhost_version (nodejs/cmd/pulumi-language-nodejs), fronted by wrappers/langhost-proxy (RunPlugin for policy packs) on sdk/v3@v$pulumi_version" ;;
    pulumi-resource-kubernetes) source="Go module github.com/pulumi/pulumi-kubernetes/provider/v4@v$k8s_provider_version with sdk/v4 v$k8s_provider_sdk_version" ;;
    pulumi-resource-tls) source="Go module github.com/pulumi/pulumi-tls/provider/v5@v$tls_provider_version" ;;
    pulumi-resource-command) source="Go module github.com/pulumi/pulumi-command/provider@$command_provider_commit" ;;
    actionlint) source="Go module github.com/rhysd/actionlint@v$actionlint_version" ;;
    coredns) source="Go module github.com/coredns/coredns@v$coredns_version" ;;
    kube-router) source="Go module github.com/cloudnativelabs/kube-router/v2@v$kube_router_version" ;;
  esac
  echo "$1 $(version_of "$1"): built from $source on $(date -u +%F)."
}

# Prints the module cache folder of module@version; fails naming the module
# when the proxy does not serve it.
module_dir() {
  local out
  if ! out=$(cd / && go mod download -json "$1" 2>&1) || grep -q '"Error"' <<<"$out"; then
    echo "the Go module proxy does not serve $1:" >&2
    grep -E 'Error|go: ' <<<"$out" | sed 's/^[[:space:]]*/  /' >&2
    return 1
  fi
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$out"
}

# Prints the commit time the proxy records for module@version (deterministic build dates).
module_time() {
  (cd / && go list -m -json "$1") | sed -n 's/^[[:space:]]*"Time": "\(.*\)",$/\1/p'
}

heavy() { nice -n 19 "$@"; }

# go install of packages of one module at one version into "$out/bin" (each
# package a path below the module, "" for its root); fails naming the module
# when the proxy does not serve it.
# Usage: go_install OUT MODULE VERSION LDFLAGS PACKAGE...
go_install() {
  local out=$1 module=$2 version=$3 ldflags=$4 pkg targets=()
  shift 4
  module_dir "$module@$version" >/dev/null
  for pkg in "$@"; do targets+=("$module$pkg@$version"); done
  GOBIN="$out/bin" heavy go install -trimpath -ldflags "$ldflags" "${targets[@]}"
}

# etcd's server module replaces its sibling modules (api, client, pkg) with
# ../ paths; a wrapper module requires them at the same published version.
build_etcd() {
  local out=$1 w="$work/etcd-$etcd_version" m
  module_dir "go.etcd.io/etcd/server/v3@v$etcd_version" >/dev/null
  rm -rf "$w" && mkdir -p "$w"
  {
    echo "module ccaas.local/toolchain/etcd"
    echo
    echo "go 1.24"
    echo
    echo "require ("
    for m in server api client/pkg client pkg; do echo "	go.etcd.io/etcd/$m/v3 v$etcd_version"; done
    echo ")"
    echo
    echo "tool go.etcd.io/etcd/server/v3"
  } >"$w/go.mod"
  (cd "$w" && go mod tidy)
  (cd "$w" && heavy go build -trimpath -ldflags "-s -w" -o "$out/bin/etcd" go.etcd.io/etcd/server/v3)
  "$out/bin/etcd" --version
}

# k8s.io/kubernetes replaces its ~31 staging modules with ./staging/...; a
# wrapper module re-points each at the published v0.<minor>.<patch>.
build_kubernetes() {
  local out=$1 kdir w staging_version=v0.${kubernetes_version#1.} pkg ldflags built_at
  kdir=$(module_dir "k8s.io/kubernetes@v$kubernetes_version")
  w="$work/kubernetes-$kubernetes_version"
  rm -rf "$w" && mkdir -p "$w"
  {
    echo "module ccaas.local/toolchain/kubernetes"
    echo
    grep -E '^(go|godebug) ' "$kdir/go.mod"
    echo
    echo "require k8s.io/kubernetes v$kubernetes_version"
    echo
    echo "replace ("
    sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*$#\t\1 => \1 '"$staging_version"'#p' "$kdir/go.mod"
    echo ")"
    echo
    echo "tool ("
    for pkg in $(binaries_of kubernetes); do echo "	k8s.io/kubernetes/cmd/$pkg"; done
    echo ")"
  } >"$w/go.mod"
  (cd "$w" && go mod tidy)
  built_at=$(module_time "k8s.io/kubernetes@v$kubernetes_version")
  ldflags="-s -w"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ldflags+=" -X $pkg.gitVersion=v$kubernetes_version -X $pkg.gitMajor=1"
    ldflags+=" -X $pkg.gitMinor=$(cut -d. -f2 <<<"$kubernetes_version") -X $pkg.gitTreeState=clean"
    ldflags+=" -X $pkg.buildDate=$built_at"
  done
  # shellcheck disable=SC2046 # one word per binary
  (cd "$w" && heavy go build -trimpath -ldflags "$ldflags" -o "$out/bin/" \
    $(printf 'k8s.io/kubernetes/cmd/%s ' $(binaries_of kubernetes)))
  "$out/bin/kube-apiserver" --version
}

# pkg/go.mod has replace directives, so `go install pkg@version` refuses it;
# a wrapper module (wrappers/pulumi.go.mod) carries the one fork replace.
build_pulumi() {
  local out=$1 w pkg npm_version script
  w="$work/pulumi-$pulumi_version"
  rm -rf "$w" && mkdir -p "$w"
  sed "s/@PULUMI_VERSION@/$pulumi_version/g" "$here/wrappers/pulumi.go.mod" >"$w/go.mod"
  (cd "$w" && go mod tidy &&
    heavy go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$pulumi_version" \
      -o "$out/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  # Dynamic providers run through a script shipped in the npm package.
  pkg="$repo/node_modules/@pulumi/pulumi"
  [ -f "$pkg/package.json" ] || { echo "$pkg is missing: run 'npm ci' in $repo first" >&2; return 1; }
  npm_version=$(sed -n 's/^    "version": "\(.*\)",$/\1/p' "$pkg/package.json")
  [ "$npm_version" = "$pulumi_version" ] ||
    { echo "npm @pulumi/pulumi is $npm_version but the CLI is $pulumi_version; pin them alike" >&2; return 1; }
  for script in "$pkg"/pulumi-*; do
    case "$script" in *.cmd) continue ;; esac
    install -m 0755 "$script" "$out/bin/"
  done
  "$out/bin/pulumi" version
}

# The 3.68.0 host cannot run policy packs (RunPlugin, which today's engine
# uses for them); wrappers/langhost-proxy fronts it and does that part.
build_pulumi_language_nodejs() {
  local out=$1 w
  w="$work/pulumi-language-nodejs-$langhost_version"
  rm -rf "$w" && mkdir -p "$w/proxy"
  sed "s/@LANGHOST_VERSION@/$langhost_version/g" "$here/wrappers/pulumi-language-nodejs.go.mod" >"$w/go.mod"
  (cd "$w" && go mod tidy &&
    heavy go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$langhost_version" \
      -o "$out/bin/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
  cp "$here/wrappers/langhost-proxy/main.go" "$w/proxy/"
  sed "s/@PULUMI_VERSION@/$pulumi_version/g" "$here/wrappers/langhost-proxy/go.mod.in" >"$w/proxy/go.mod"
  (cd "$w/proxy" && go mod tidy &&
    heavy go build -trimpath -ldflags "-s -w" -o "$out/bin/pulumi-language-nodejs-proxy" .)
}

# The provider embeds schema files its generate.go writes (absent from the
# zip), and replaces its Go SDK with ../sdk (also absent): build from a
# writable copy with the published SDK, after running the generator.
build_pulumi_resource_kubernetes() {
  local out=$1 src w module=github.com/pulumi/pulumi-kubernetes/provider/v4
  src=$(module_dir "$module@v$k8s_provider_version")
  w="$work/pulumi-resource-kubernetes-$k8s_provider_version"
  rm -rf "$w" && mkdir -p "$(dirname "$w")"
  cp -r "$src" "$w" && chmod -R u+w "$w"
  (cd "$w" &&
    go mod edit -dropreplace github.com/pulumi/pulumi-kubernetes/sdk/v4 \
      -require "github.com/pulumi/pulumi-kubernetes/sdk/v4@v$k8s_provider_sdk_version" &&
    go mod tidy &&
    (cd cmd/pulumi-resource-kubernetes && VERSION=$k8s_provider_version heavy go run generate.go) &&
    heavy go build -trimpath -ldflags "-s -w -X $module/pkg/version.Version=$k8s_provider_version" \
      -o "$out/bin/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes)
}

# No build recipe: the module needs a copy-and-generate step (fork replace,
# ./shim module, schema) not written yet. Found on PATH or acquired instead.
build_pulumi_resource_tls() {
  echo "pulumi-resource-tls has no build recipe here: put the plugin on PATH or let \`pulumi plugin install resource tls $tls_provider_version\` fetch it" >&2
  return 1
}

build_pulumi_resource_command() {
  local module=github.com/pulumi/pulumi-command/provider
  go_install "$1" "$module" "$command_provider_commit" \
    "-s -w -X $module/pkg/version.Version=$command_provider_version" /cmd/pulumi-resource-command
}

build_coredns() {
  go_install "$1" github.com/coredns/coredns "v$coredns_version" "-s -w" ""
  # Read whole, then cut: `| head -n 1` closes the pipe early, and under pipefail
  # the SIGPIPE (exit 141) failed the build now and then.
  local printed
  printed=$("$1/bin/coredns" -version)
  echo "${printed%%$'\n'*}"
}

# Its version is set only through the ldflag (the module's Makefile does the same).
build_kube_router() {
  local module=github.com/cloudnativelabs/kube-router/v2
  go_install "$1" "$module" "v$kube_router_version" "-s -w -X $module/pkg/version.Version=v$kube_router_version" /cmd/kube-router
  "$1/bin/kube-router" --version
}

# Version ldflag as in the module's .goreleaser.yaml (bare 1.7.12, like the
# release binaries; without it `-version` prints the module's v1.7.12).
build_actionlint() {
  local module=github.com/rhysd/actionlint
  go_install "$1" "$module" "v$actionlint_version" \
    "-s -w -X $module.version=$actionlint_version -X '$module.installedFrom=built from Go module $module@v$actionlint_version by testenv/toolchain/build.sh'" \
    /cmd/actionlint
  "$1/bin/actionlint" -version
}

#!/usr/bin/env bash
# Puts the full-stack (e2e tier) toolchain into a versioned cache outside the
# repo, one folder per component:
#   ${CCAAS_CACHE:-$HOME/.cache/fabric-ccaas}/toolchain/<component>-<version>/bin
# and links every binary into .../toolchain/bin (put that first on PATH).
# Each component comes from the first source that works (sources_of in
# components.sh): "path" (already on the machine's PATH: the official pulumi
# CLI, plugins installed by hand), "acquire" (`pulumi plugin install`, where
# plugins can be downloaded), "build" (its recipe, from the Go module proxy).
# The .complete file's line says which.
# Idempotent and resumable: a component whose .complete marker exists is
# skipped, so a warm run only checks markers and refreshes links.
#
# Usage: build.sh [--check] [component ...]
#   --check   exit 0 only when every named (default: every) component is built;
#             print what is missing. Builds nothing.
# Components: see `components` in components.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
root=${CCAAS_CACHE:-$HOME/.cache/fabric-ccaas}/toolchain
links="$root/bin"
work="$root/src"

# shellcheck source=components.sh
source "$here/components.sh"

check_only=false
selected=()
for arg in "$@"; do
  case "$arg" in
    --check) check_only=true ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "toolchain: unknown option '$arg'; accepted: --check" >&2; exit 2 ;;
    *)
      known=false
      for c in "${components[@]}"; do [ "$c" = "$arg" ] && known=true; done
      $known || { echo "toolchain: unknown component '$arg'; accepted: ${components[*]}" >&2; exit 2; }
      selected+=("$arg") ;;
  esac
done
[ ${#selected[@]} -gt 0 ] || selected=("${components[@]}")

component_dir() { echo "$root/$1-$(version_of "$1")"; }

is_complete() {
  local dir b
  dir=$(component_dir "$1")
  [ -f "$dir/.complete" ] || return 1
  for b in $(binaries_of "$1"); do [ -x "$dir/bin/$b" ] || return 1; done
}

link_component() {
  local dir b
  dir=$(component_dir "$1")
  mkdir -p "$links"
  for b in $(binaries_of "$1"); do
    if [ "$b" = pulumi-language-nodejs ]; then
      # A launcher, not a link: it starts the host behind its proxy, with the project's typescript option (see the file).
      rm -f "$links/$b"
      sed -e "s|@HOST@|$dir/bin/$b|" -e "s|@PROXY@|$dir/bin/$b-proxy|" "$here/wrappers/pulumi-language-nodejs.launcher" >"$links/$b.tmp"
      chmod 0755 "$links/$b.tmp" && mv "$links/$b.tmp" "$links/$b"
    else
      ln -sfn "$dir/bin/$b" "$links/$b"
    fi
  done
}

if $check_only; then
  missing=()
  for c in "${selected[@]}"; do
    # Refreshing a present component's links builds nothing (the language host's launcher may be newer than the cache).
    if is_complete "$c"; then link_component "$c"; echo "present: $c $(version_of "$c") ($(component_dir "$c")): $(head -n 1 "$(component_dir "$c")/.complete")"
    else echo "missing: $c $(version_of "$c") (expected $(component_dir "$c")/bin: $(binaries_of "$c"))"; missing+=("$c"); fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "toolchain --check: ${#missing[@]} missing: ${missing[*]} (build with: bash testenv/toolchain/build.sh)"
    exit 1
  fi
  echo "toolchain --check: all ${#selected[@]} components present; export PATH=\"$links:\$PATH\""
  exit 0
fi

export CGO_ENABLED=0 GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN=${GOTOOLCHAIN:-local}
mkdir -p "$root" "$work"

# Each source prints the component's provenance line on success; on failure
# it writes why to $reason_file and returns 1. Output streams to stderr.

# PATH without the toolchain's own links: what the machine itself has.
machine_path() { tr ':' '\n' <<<"$PATH" | grep -vxF "$links" | paste -sd: -; }

# "path": every binary of the component is on the machine's PATH already
# (the official pulumi CLI, a plugin installed by hand): linked, not built.
from_path() {
  local c=$1 out=$2 b found where=()
  for b in $(binaries_of "$c"); do
    found=$(PATH=$(machine_path) command -v "$b") || { echo "$b is not on PATH" >"$reason_file"; return 1; }
    ln -s "$(readlink -f "$found")" "$out/bin/$b"
    where+=("$found")
  done
  echo "$c $(version_of "$c"): found on PATH (${where[*]}), linked, not built."
}

# "acquire": `pulumi plugin install` with the machine's pulumi CLI, or the
# toolchain's, where plugins can be downloaded.
from_acquire() {
  local c=$1 out=$2 name=${1#pulumi-resource-} version cli home
  version=$(acquire_version_of "$c")
  cli=$(PATH=$(machine_path) command -v pulumi || true)
  [ -n "$cli" ] || [ ! -x "$links/pulumi" ] || cli=$links/pulumi
  [ -n "$cli" ] || { echo "no pulumi CLI on PATH or in the toolchain to run \`pulumi plugin install\` with" >"$reason_file"; return 1; }
  home="$work/pulumi-home"
  if ! PULUMI_HOME=$home PULUMI_SKIP_UPDATE_CHECK=true "$cli" plugin install resource "$name" "$version" >&2; then
    echo "\`pulumi plugin install resource $name $version\` failed (no plugin download from here)" >"$reason_file"
    return 1
  fi
  cp "$home/plugins/resource-$name-v$version/pulumi-resource-$name" "$out/bin/"
  echo "$c $version: acquired with \`pulumi plugin install resource $name $version\` ($cli), not built."
}

# "build": the component's recipe in components.sh, from the Go module proxy.
from_build() {
  local c=$1 out=$2 rc=0
  command -v go >/dev/null || { echo "'go' is not on PATH (Go >= 1.26 is needed)" >"$reason_file"; return 1; }
  # A subshell with its own errexit: the recipe stops at its first failing step.
  ( set -e; "build_${c//-/_}" "$out" ) >&2 || rc=$?
  [ "$rc" -eq 0 ] || { echo "its recipe failed (exit $rc; the lines above say why)" >"$reason_file"; return 1; }
  provenance_of "$c"
}

failed=()
run_started=$(date +%s)
for c in "${selected[@]}"; do
  if is_complete "$c"; then
    link_component "$c"
    echo "[$c] cached: $(component_dir "$c")"
    continue
  fi
  started=$(date +%s)
  dir=$(component_dir "$c")
  partial="$dir.partial"
  reason_file="$dir.reason"
  provenance=""
  tried=()
  for source in $(sources_of "$c"); do
    echo "[$c] $source"
    rm -rf "$partial" "$reason_file"
    mkdir -p "$partial/bin"
    set +e
    provenance=$("from_$source" "$c" "$partial")
    rc=$?
    set -e
    [ "$rc" -eq 0 ] && break
    tried+=("$source: $(cat "$reason_file" 2>/dev/null || echo "exit $rc")")
    echo "[$c] ${tried[-1]}"
    provenance=""
  done
  rm -f "$reason_file"
  elapsed=$(( $(date +%s) - started ))
  if [ -z "$provenance" ]; then
    rm -rf "$partial"
    summary=$(printf '%s; ' "${tried[@]}")
    echo "[$c] MISSING after ${elapsed}s: ${summary%; }" >&2
    failed+=("$c")
    continue
  fi
  rm -rf "$dir"
  mv "$partial" "$dir"
  echo "$provenance" >"$dir/.complete"
  link_component "$c"
  echo "[$c] $(version_of "$c") into $dir in ${elapsed}s: $provenance"
done

echo "toolchain: done in $(( $(date +%s) - run_started ))s; use: export PATH=\"$links:\$PATH\""
if [ ${#failed[@]} -gt 0 ]; then
  echo "toolchain: FAILED components: ${failed[*]}" >&2
  exit 1
fi

#!/usr/bin/env bash
# Builds the full-stack (e2e tier) toolchain from Go modules into a versioned
# cache outside the repo, one folder per component:
#   ${CCAAS_CACHE:-$HOME/.cache/fabric-ccaas}/toolchain/<component>-<version>/bin
# and links every binary into .../toolchain/bin (put that first on PATH).
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
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
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

command -v go >/dev/null || { echo "toolchain: 'go' is not on PATH (Go >= 1.26 is needed)" >&2; exit 2; }
export CGO_ENABLED=0 GOFLAGS="-modcacherw -buildvcs=false" GOTOOLCHAIN=${GOTOOLCHAIN:-local}
mkdir -p "$root" "$work"

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
  echo "[$c] building"
  partial="$dir.partial"
  rm -rf "$partial"
  mkdir -p "$partial/bin"
  # A subshell with its own errexit, so one component's failure is reported
  # by name and the others still build.
  set +e
  ( set -e; "build_${c//-/_}" "$partial" )
  rc=$?
  set -e
  elapsed=$(( $(date +%s) - started ))
  if [ $rc -ne 0 ]; then
    echo "[$c] FAILED after ${elapsed}s (exit $rc); see the lines above" >&2
    rm -rf "$partial"
    failed+=("$c")
    continue
  fi
  dir=$(component_dir "$c")
  rm -rf "$dir"
  mv "$partial" "$dir"
  provenance_of "$c" >"$dir/.complete"
  link_component "$c"
  echo "[$c] built $(version_of "$c") into $dir in ${elapsed}s"
done

echo "toolchain: done in $(( $(date +%s) - run_started ))s; use: export PATH=\"$links:\$PATH\""
if [ ${#failed[@]} -gt 0 ]; then
  echo "toolchain: FAILED components: ${failed[*]}" >&2
  exit 1
fi

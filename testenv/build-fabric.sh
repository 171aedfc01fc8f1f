#!/usr/bin/env bash
# Puts the Fabric binaries the real-network tier needs into a cache outside
# the repo keyed by version, from one of two sources:
#   FABRIC_HOME=<dir>   an official Fabric release folder (bin/, config/,
#                       builders/ccaas/bin/, as install-fabric.sh gives it):
#                       checked with `peer version` and linked in;
#   otherwise           built from the Fabric Go module at a pinned commit.
# Idempotent: a complete cache is reused in well under a second.
#   FABRIC_VERSION=2.5.16|3.1.5   (default 2.5.16, or the release's own version)
#   CCAAS_CACHE=<dir>             (default $HOME/.cache/fabric-ccaas)
set -euo pipefail

cache_root=${CCAAS_CACHE:-$HOME/.cache/fabric-ccaas}
binaries="peer orderer configtxgen osnadmin cryptogen"

# An official release folder: what users of Fabric download.
link_release() {
  local home=$1 missing=() b
  for b in $binaries; do [ -x "$home/bin/$b" ] || missing+=("bin/$b"); done
  for f in core.yaml orderer.yaml configtx.yaml; do [ -f "$home/config/$f" ] || missing+=("config/$f"); done
  for b in detect build release; do [ -x "$home/builders/ccaas/bin/$b" ] || missing+=("builders/ccaas/bin/$b"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "build-fabric: FABRIC_HOME=$home is not a Fabric release folder: it lacks ${missing[*]}" >&2
    echo "  (a release has bin/, config/ and, from Fabric 2.4.1 on, builders/ccaas/bin/; install-fabric.sh binary gives them)" >&2
    exit 2
  fi
  local reported
  reported=$("$home/bin/peer" version 2>&1 | sed -n 's/^ *Version: *//p' | head -n 1)
  [ -n "$reported" ] || { echo "build-fabric: $home/bin/peer version printed no version" >&2; exit 2; }
  if [ -n "${FABRIC_VERSION:-}" ] && [ "$FABRIC_VERSION" != "$reported" ]; then
    echo "build-fabric: FABRIC_HOME=$home holds Fabric $reported, but FABRIC_VERSION is $FABRIC_VERSION" >&2
    exit 2
  fi
  local dest="$cache_root/fabric/$reported"
  local provenance="Linked from the Fabric release folder $home (peer version $reported)."
  if [ -f "$dest/PROVENANCE" ] && [ "$(head -n 1 "$dest/PROVENANCE")" = "$provenance" ] && [ -x "$dest/bin/peer" ]; then
    echo "fabric $reported: cached at $dest ($provenance)"
    return
  fi
  rm -rf "$dest.partial"
  mkdir -p "$dest.partial/bin" "$dest.partial/ccaas/bin" "$dest.partial/config"
  for b in $binaries; do ln -s "$home/bin/$b" "$dest.partial/bin/$b"; done
  for b in detect build release; do ln -s "$home/builders/ccaas/bin/$b" "$dest.partial/ccaas/bin/$b"; done
  # Copies: the network writes beside them.
  cp "$home/config/core.yaml" "$home/config/orderer.yaml" "$home/config/configtx.yaml" "$dest.partial/config/"
  chmod u+w "$dest.partial/config/"*
  echo "$provenance" >"$dest.partial/PROVENANCE"
  rm -rf "$dest"
  mv "$dest.partial" "$dest"
  echo "fabric $reported: linked from the release folder $home into $dest"
  if [ -z "${FABRIC_VERSION:-}" ] && [ "$reported" != 2.5.16 ]; then
    echo "fabric $reported: the tiers use 2.5.16 unless told otherwise: run them with FABRIC_VERSION=$reported"
  fi
}

if [ -n "${FABRIC_HOME:-}" ]; then
  link_release "$(cd "$FABRIC_HOME" && pwd)"
  exit 0
fi

version=${FABRIC_VERSION:-2.5.16}
case "$version" in
  2.5.16) commit=f871cf92a026aba7b12e6f06d71ded3e6e659d71 ;;
  3.1.5) commit=86c1172bec37e6590c6b1ae6f847833df48d65fc ;;
  *) echo "build-fabric: FABRIC_VERSION '$version' is not supported; use 2.5.16 or 3.1.5" >&2; exit 2 ;;
esac

dest="$cache_root/fabric/$version"
# PROVENANCE marks a complete cache and says how its binaries were made.
if [ -f "$dest/PROVENANCE" ] && [ -x "$dest/bin/peer" ] && [ -x "$dest/ccaas/bin/release" ]; then
  echo "fabric $version: cached at $dest ($(head -n 1 "$dest/PROVENANCE"))"
  exit 0
fi

command -v go >/dev/null || { echo "build-fabric: 'go' is not on PATH (Go >= 1.23 is needed)" >&2; exit 2; }

export CGO_ENABLED=0 GOFLAGS=-modcacherw GOTOOLCHAIN=${GOTOOLCHAIN:-auto}
started=$(date +%s)
rm -rf "$dest.partial"
mkdir -p "$dest.partial/bin" "$dest.partial/ccaas/bin" "$dest.partial/config"

module=github.com/hyperledger/fabric
ldflags="-X $module/common/metadata.Version=$version -X $module/common/metadata.CommitSHA=${commit:0:7}"

targets=()
echo "fabric $version: building $binaries ($commit)"
if probe=$(go mod download -json "$module@$commit" 2>&1) && ! grep -q '"Error"' <<<"$probe"; then
  source_kind="Go module $module@$commit"
  for b in $binaries; do targets+=("$module/cmd/$b@$commit"); done
  GOBIN="$dest.partial/bin" go install -trimpath -ldflags "$ldflags" "${targets[@]}"

  echo "fabric $version: building the ccaas external builder"
  GOBIN="$dest.partial/ccaas/bin" go install -trimpath \
    "$module/ccaas_builder/cmd/detect@$commit" "$module/ccaas_builder/cmd/build@$commit" \
    "$module/ccaas_builder/cmd/release@$commit"
  # go install does not bring sampleconfig/; the downloaded module does.
  source_dir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$probe")
else
  echo "build-fabric: the Go module proxy does not serve $module@$commit:" >&2
  sed -n 's/^[[:space:]]*"Error": "\(.*\)"$/  \1/p' <<<"$probe" >&2
  echo "build-fabric: use a Go module proxy that serves github.com/hyperledger/*, or point FABRIC_HOME at an" >&2
  echo "  official Fabric $version release folder (install-fabric.sh binary: bin/, config/, builders/ccaas/bin/)" >&2
  exit 3
fi

[ -d "$source_dir/sampleconfig" ] || { echo "build-fabric: sampleconfig not found in $source_dir" >&2; exit 1; }
cp "$source_dir/sampleconfig/core.yaml" "$source_dir/sampleconfig/orderer.yaml" \
  "$source_dir/sampleconfig/configtx.yaml" "$dest.partial/config/"
chmod u+w "$dest.partial/config/"*

rm -rf "$dest"
mv "$dest.partial" "$dest"
echo "Built from $source_kind on $(date -u +%F)." >"$dest/PROVENANCE"
echo "fabric $version: built into $dest in $(( $(date +%s) - started ))s"

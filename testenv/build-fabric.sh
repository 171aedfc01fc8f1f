#!/usr/bin/env bash
# Builds the Fabric binaries the real-network tier needs from the Fabric Go
# module at a pinned commit, into a cache outside the repo keyed by version.
# Idempotent: a complete cache is reused in well under a second.
#   FABRIC_VERSION=2.5.16|3.1.5   (default 2.5.16)
#   CCAAS_CACHE=<dir>             (default $HOME/.cache/fabric-ccaas)
set -euo pipefail

version=${FABRIC_VERSION:-2.5.16}
case "$version" in
  2.5.16) commit=f871cf92a026aba7b12e6f06d71ded3e6e659d71 ;;
  3.1.5) commit=86c1172bec37e6590c6b1ae6f847833df48d65fc ;;
  *) echo "build-fabric: FABRIC_VERSION '$version' is not supported; use 2.5.16 or 3.1.5" >&2; exit 2 ;;
esac

cache_root=${CCAAS_CACHE:-$HOME/.cache/fabric-ccaas}
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

binaries="peer orderer configtxgen osnadmin cryptogen"
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
  echo "build-fabric: use a Go module proxy that serves github.com/hyperledger/*, or put Fabric $version" >&2
  echo "  binaries in $dest/{bin,ccaas/bin,config} with a PROVENANCE file saying where they came from" >&2
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

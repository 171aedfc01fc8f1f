#!/usr/bin/env bash
# Installs the Debian packages a real node runs on (testenv/node), as root
# with apt-get; a no-op when all are present. Exits 1 naming what it could
# not install. The Go parts (kubelet, kube-proxy, CoreDNS, kube-router, etcd,
# the API server) come from `npm run toolchain`.
set -euo pipefail
packages=(containerd runc containernetworking-plugins iptables ipset conntrack buildah podman skopeo
  docker-registry busybox-static openssl iproute2 util-linux)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "node packages: missing ${missing[*]}; install them as root with apt-get" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
  { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; } ||
  { echo "node packages: apt-get could not install ${missing[*]}" >&2; exit 1; }
echo "node packages: installed ${missing[*]}"

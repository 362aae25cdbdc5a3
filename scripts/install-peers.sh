#!/usr/bin/env bash
# Install the real servers and clients that the peer tests (__tests__/peers*) drive.
# Idempotent and non-interactive. When every tool is already present it does not touch apt at all.
#
#   nginx + fcgiwrap        WebDAV PUT / git smart-HTTP / Kubernetes-API-shaped TLS front
#   docker-registry         distribution 2.8 (htpasswd basic auth)
#   skopeo                  real OCI/docker client that reads a Docker config.json
#   apache2-utils           htpasswd (bcrypt users for nginx and docker-registry)
#   git curl openssl        clients + self-signed CA for the TLS front
#   kubectl                 Debian kubernetes-client, unless some kubectl is already on PATH
#
# Usage: scripts/install-peers.sh        (must run as root, or with sudo available)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
export PATH="$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "install-peers: must run as root (or with passwordless sudo)" >&2
    exit 1
  fi
fi

# package -> file that proves it is installed
declare -A PROBE=(
  [nginx]=nginx
  [fcgiwrap]=fcgiwrap
  [docker-registry]=docker-registry
  [skopeo]=skopeo
  [apache2-utils]=htpasswd
  [git]=git
  [curl]=curl
  [openssl]=openssl
)
ORDER=(nginx fcgiwrap docker-registry skopeo apache2-utils git curl openssl)

missing=()
for pkg in "${ORDER[@]}"; do
  command -v "${PROBE[$pkg]}" >/dev/null 2>&1 || missing+=("$pkg")
done
# git-http-backend ships with git but check it explicitly (the git push peer needs it)
if [ ! -x /usr/lib/git-core/git-http-backend ] && [[ ! " ${missing[*]} " == *" git "* ]]; then missing+=(git); fi

need_kubectl=0
command -v kubectl >/dev/null 2>&1 || need_kubectl=1

if [ "${#missing[@]}" -eq 0 ] && [ "$need_kubectl" -eq 0 ]; then
  echo "install-peers: all present (nginx fcgiwrap docker-registry skopeo htpasswd git curl openssl kubectl); nothing to do"
  exit 0
fi

# Keep package post-install scripts from starting services (nginx on :80, docker-registry on :5000, ...).
POLICY=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod 755 "$POLICY"
  created_policy=1
fi
cleanup() { if [ "$created_policy" -eq 1 ]; then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT

echo "install-peers: apt-get update"
$SUDO apt-get update -qq

installed=()
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-peers: installing ${missing[*]}"
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  installed+=("${missing[@]}")
fi

if [ "$need_kubectl" -eq 1 ]; then
  # The google-cloud-sdk `kubectl` package owns /usr/bin/kubectl and conflicts with Debian's
  # kubernetes-client (dpkg would refuse to overwrite the file and leave a half-installed package).
  # If anything owns or occupies /usr/bin/kubectl, unpack kubernetes-client beside the system instead.
  if [ -e /usr/bin/kubectl ] || [ -L /usr/bin/kubectl ] || dpkg -S /usr/bin/kubectl >/dev/null 2>&1; then
    echo "install-peers: /usr/bin/kubectl is taken by another package; unpacking kubernetes-client to /usr/local/lib/kubernetes-client"
    tmp=$(mktemp -d)
    chmod 755 "$tmp"
    (cd "$tmp" && $SUDO apt-get download -o APT::Sandbox::User=root kubernetes-client >/dev/null)
    $SUDO rm -rf /usr/local/lib/kubernetes-client
    $SUDO dpkg -x "$tmp"/kubernetes-client_*.deb /usr/local/lib/kubernetes-client
    $SUDO rm -rf "$tmp"
    $SUDO mkdir -p /usr/local/bin
    $SUDO ln -sf /usr/local/lib/kubernetes-client/usr/bin/kubectl /usr/local/bin/kubectl
    installed+=("kubernetes-client(unpacked,/usr/local/bin/kubectl)")
  else
    $SUDO apt-get install -y -qq --no-install-recommends kubernetes-client >/dev/null
    installed+=(kubernetes-client)
  fi
fi

# verify
fail=0
for pkg in "${ORDER[@]}"; do
  if ! command -v "${PROBE[$pkg]}" >/dev/null 2>&1; then echo "install-peers: still missing ${PROBE[$pkg]} ($pkg)" >&2; fail=1; fi
done
command -v kubectl >/dev/null 2>&1 || { echo "install-peers: still missing kubectl" >&2; fail=1; }
[ "$fail" -eq 0 ] || exit 1
echo "install-peers: installed ${installed[*]}"

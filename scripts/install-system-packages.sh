#!/usr/bin/env bash
# Installs the Debian packages the tests use, when they are missing: ffmpeg (camera simulator and
# video), mosquitto (external-broker tests), chromium (browser tests), espeak-ng (text-to-speech),
# fonts-noto-cjk (Chinese in screenshots), sox (audio checks), nats-server and postgresql (district
# tier: the tests start their own servers on loopback). Needs root (or sudo) and apt.
set -euo pipefail
packages=(ffmpeg mosquitto chromium fonts-noto-cjk espeak-ng sox nats-server postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# mosquitto's package starts a system broker on 1883; the tests start their own on free ports.
$SUDO systemctl disable --now mosquitto >/dev/null 2>&1 || true
# postgresql's and nats-server's packages may start system services; the tests run their own.
$SUDO systemctl disable --now postgresql nats-server >/dev/null 2>&1 || true

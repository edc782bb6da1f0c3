#!/usr/bin/env bash
# Installs what the web kit's tests need on a fresh Debian machine, when it is missing:
# Node.js 20 or later with npm, Chromium (headless browser test), and web/node_modules
# exactly as pinned by web/package-lock.json (npm ci). An installed Node is never replaced.
set -euo pipefail
cd "$(dirname "$0")/../web"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
need=()
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)

if [ ${#need[@]} -gt 0 ]; then
  echo "web deps: installing ${need[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "web deps: need root (or sudo) to install: ${need[*]}" >&2
      echo "web deps: run as root: apt-get update && apt-get install -y ${need[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null || { echo "web deps: apt-get update failed" >&2; exit 1; }
  $sudo apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null || {
    echo "web deps: apt-get install ${need[*]} failed" >&2; exit 1; }
fi

if [ "$(node_major)" -lt 20 ]; then
  echo "web deps: Node.js $(node --version) is too old: the kit's tools (vitest, jsdom, supabase-js) need Node 20 or later." >&2
  echo "web deps: install Node 20+ (Debian 13 ships it; on Debian 12 use the NodeSource or nvm build) and run again." >&2
  exit 1
fi

# npm ci only when the lockfile changed since the last install (its hash is kept in node_modules).
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.lock-sha256 2>/dev/null)" != "$want" ]; then
  echo "web deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$want" > node_modules/.lock-sha256
fi
echo "web deps: node $(node --version), $(${CHROMIUM:-/usr/bin/chromium} --version 2>/dev/null | head -1), node_modules from package-lock.json"

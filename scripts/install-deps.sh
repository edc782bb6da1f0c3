#!/usr/bin/env bash
# Installs what the tests and the demo need on a fresh Debian machine, when it is missing:
# PostgreSQL 15 server binaries, pgTAP and pg_prove (RLS tests), wal2json (Realtime tests).
# Go itself is expected on PATH. Fails loudly when something cannot be installed.
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

pg_bin=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin="$d"; done
if ! command -v initdb >/dev/null 2>&1 && [ -z "$pg_bin" ]; then need+=(postgresql-15 postgresql-contrib); fi
have_pkg postgresql-15-pgtap || need+=(postgresql-15-pgtap)
have_pkg libtap-parser-sourcehandler-pgtap-perl || need+=(libtap-parser-sourcehandler-pgtap-perl)
have_pkg postgresql-15-wal2json || need+=(postgresql-15-wal2json)

if [ ${#need[@]} -eq 0 ]; then
  echo "deps: PostgreSQL 15, pgTAP, pg_prove and wal2json are installed"
  exit 0
fi

echo "deps: installing ${need[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "deps: need root (or sudo) to install: ${need[*]}" >&2
    echo "deps: run as root: apt-get update && apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q || { echo "deps: apt-get update failed" >&2; exit 1; }
$sudo apt-get install -y -q --no-install-recommends "${need[@]}" || {
  echo "deps: apt-get install ${need[*]} failed" >&2; exit 1; }
command -v pg_prove >/dev/null 2>&1 || { echo "deps: pg_prove still missing after install" >&2; exit 1; }
echo "deps: installed ${need[*]}"

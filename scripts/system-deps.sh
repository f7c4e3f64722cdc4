#!/usr/bin/env bash
# Installs the Debian packages Vanguard needs when they are missing — the ones named, or all:
#   chromium        the real browser Playwright drives (Playwright's own download is unreachable)
#   fonts-noto-cjk  so Chinese renders in report PDFs/images and screenshots, not empty boxes
#   postgresql      for the PostgreSQL suite (scripts/with-postgres.sh)
#   wrk             the load generator of `make bench` (asked for by name only)
# Usage: scripts/system-deps.sh [package …]   (`make run` asks for fonts-noto-cjk only)
set -euo pipefail

wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(chromium fonts-noto-cjk postgresql)

present() {
  case "$1" in
    chromium) command -v chromium >/dev/null ;;
    postgresql) compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null ;;
    *) dpkg -s "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
for package in "${wanted[@]}"; do
  present "$package" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them first: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} …"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

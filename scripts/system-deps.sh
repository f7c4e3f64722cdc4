#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing:
#   chromium        the real browser Playwright drives (Playwright's own download is unreachable)
#   fonts-noto-cjk  so Chinese renders in screenshots instead of empty boxes
#   postgresql      for the PostgreSQL smoke test (scripts/with-postgres.sh)
set -euo pipefail

missing=()
command -v chromium >/dev/null || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
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

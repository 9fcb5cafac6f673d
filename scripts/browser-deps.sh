#!/usr/bin/env bash
# Installs what the browser tests need: Debian's chromium (never a downloaded browser) and the
# npm packages pinned in package-lock.json. Without root or apt, it says what is missing and the
# browser tests skip themselves; under CI=true they fail instead.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "browser-deps: installing Debian's chromium and Java"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium default-jre-headless >/dev/null
  else
    echo "browser-deps: /usr/bin/chromium is missing (apt-get install chromium); browser tests will skip"
  fi
fi
if ! command -v java >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null
fi
if command -v npm >/dev/null; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules
  fi
else
  echo "browser-deps: npm is missing; axe-core and the HTML checker tests will skip"
fi

#!/usr/bin/env bash
# Installs what the browser tests need: Debian's chromium (never a downloaded browser), Java for
# the Nu HTML checker, and the npm packages pinned in package-lock.json (axe-core, vnu-jar, the
# sitemaps.org schema). Idempotent, and instant when everything is there. Without root or apt it
# says what is missing and the browser tests skip themselves; under CI=true they fail instead.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(npm)
# nginx: tests/test_proxy.py runs the deploy recipe's proxy (deploy/nginx.conf) for real.
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx-light)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "browser-deps: installing ${missing[*]} with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  else
    echo "browser-deps: missing ${missing[*]} (needs root and apt-get); browser tests will skip"
  fi
fi

# npm ci when a checker is missing or package-lock.json changed since the last install. Java is
# installed first: vnu-jar's install script downloads a JRE only when it finds no Java 11+.
needed=(node_modules/axe-core/axe.min.js node_modules/vnu-jar/build/dist/vnu.jar
        node_modules/sitemap/schema/sitemap.xsd)
stale=0
for file in "${needed[@]}"; do [ -f "$file" ] || stale=1; done
if [ package-lock.json -nt node_modules/.package-lock.json ]; then stale=1; fi
if [ "$stale" = 1 ]; then
  if command -v npm >/dev/null; then
    npm ci --prefer-offline --no-audit --no-fund --loglevel=error
  else
    echo "browser-deps: npm is missing; axe-core and the HTML checker tests will skip"
  fi
fi

#!/usr/bin/env bash
# make bench: serve a throwaway demo database with gunicorn (2 sync workers, DEBUG off) and
# measure the story page with wrk, cached (anonymous page cache) and uncached, beside the peer
# baselines from ../shared/peers when they are running; then the in-process cost and query
# count of each reader page. Prints the figures and writes them to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PORT=${BENCH_PORT:-8010}
PEERS=${PEERS_HOME:-$ROOT/../shared/peers}
WORK=$(mktemp -d /tmp/newsroom-bench.XXXXXX)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${BENCH_OUT:-$ROOT/bench-results/$STAMP}
mkdir -p "$OUT" docs

export DATABASE_URL="sqlite:///$WORK/bench.sqlite3" MEDIA_ROOT="$WORK/media"
export SECRET_KEY="bench-only-$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 SITE_URL="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1
  fi
}

echo "bench: building the demo database in $WORK"
DEBUG=1 .venv/bin/python manage.py migrate -v0
DEBUG=1 .venv/bin/python manage.py load_demo -v0
DEBUG=0 .venv/bin/python manage.py collectstatic --noinput -v0

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
serve() {  # serve PORT PAGE_CACHE_SECONDS
  DEBUG=0 PAGE_CACHE_SECONDS=$2 .venv/bin/gunicorn newsroom.wsgi --workers 2 --worker-class sync \
    --bind "127.0.0.1:$1" --error-logfile "$OUT/gunicorn-$1.log" &
  pids+=($!)
  for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$1/" && return; sleep 0.1; done
  echo "bench: gunicorn on port $1 did not answer" >&2; exit 1
}
serve "$PORT" 300
serve "$((PORT + 1))" 0

STORY=$(DEBUG=1 .venv/bin/python manage.py shell -v 0 -c \
  "from articles.models import Article; print(Article.objects.published().earliest().get_absolute_url())" | tail -n 1)
targets=("newsroom_cached=http://127.0.0.1:$PORT$STORY" "newsroom_uncached=http://127.0.0.1:$((PORT + 1))$STORY")
curl -fs -o /dev/null "http://127.0.0.1:8080/cambridgeshire-police-peel-report-2022/" 2>/dev/null &&
  targets=("nginx_static=http://127.0.0.1:8080/cambridgeshire-police-peel-report-2022/" "${targets[@]}")
curl -fs -o /dev/null "http://127.0.0.1:8001/floor/" 2>/dev/null &&
  targets+=("django_floor=http://127.0.0.1:8001/floor/" "django_article=http://127.0.0.1:8001/cambridgeshire-police-peel-report-2022/")
curl -fs -o /dev/null "http://127.0.0.1:8002/cambridgeshire-police-peel-report-2022/" 2>/dev/null &&
  targets+=("wagtail_article=http://127.0.0.1:8002/cambridgeshire-police-peel-report-2022/")

echo "bench: wrk, interleaved rounds (targets: ${targets[*]})"
DURATION=${DURATION:-10s} ROUNDS=${ROUNDS:-3} OUTDIR="$OUT/wrk" bash "$PEERS/bench.sh" "${targets[@]}" | tee "$OUT/wrk.txt"

echo "bench: in-process cost and queries per page (Django test client, no network)"
DEBUG=0 .venv/bin/python scripts/bench_pages.py | tee "$OUT/pages.txt"

{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` ($STAMP) on $(uname -srm), $(nproc) cores."
  echo "wrk and gunicorn (2 sync workers, DEBUG off, SQLite) share the machine; compare ratios"
  echo "within one run, not absolute figures across runs."
  echo
  echo "## Story page over HTTP (wrk, interleaved)"
  echo
  echo '```'
  sed -n '/^| target/,$p' "$OUT/wrk.txt" | grep '^|' || tail -n 20 "$OUT/wrk.txt"
  echo '```'
  echo
  echo "## In process, per page"
  echo
  echo '```'
  cat "$OUT/pages.txt"
  echo '```'
} > docs/benchmarks.md
echo "bench: figures written to docs/benchmarks.md (raw output in $OUT)"

#!/usr/bin/env bash
# make bench: serve a throwaway demo database with gunicorn (2 sync workers, DEBUG off) and
# measure the story page with wrk, uncached and cached, beside the peers from ../shared/peers
# (Wagtail's and plain Django's article, started here when they are set up), in interleaved
# rounds that record each server's CPU time per request; then the in-process cost and query
# count of each reader page. Prints the figures and writes them to the top of
# docs/benchmarks.md (any "At archive scale" section below it is kept).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PORT=${BENCH_PORT:-8010}
PEERS=${PEERS_HOME:-$ROOT/../shared/peers}
WORK=$(mktemp -d /tmp/newsroom-bench.XXXXXX)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${BENCH_OUT:-$ROOT/bench-results/$STAMP}
mkdir -p "$OUT" docs

export DATABASE_URL="sqlite:///$WORK/bench.sqlite3" MEDIA_ROOT="$WORK/media" CACHE_DIR="$WORK/cache"
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

# The peers (../shared/peers, set up by its setup.sh): started here if set up and not running,
# and stopped again afterwards.
PEERS_DIR=${PEERS_DIR:-/tmp/peers}
PEER_SLUG=/cambridgeshire-police-peel-report-2022/
started_peers=()
for peer in wagtail django; do
  [ -x "$PEERS_DIR/venv-$peer/bin/gunicorn" ] || continue
  if ! PEERS_DIR=$PEERS_DIR bash "$PEERS/servers.sh" status "$peer" | grep -q running; then
    PEERS_DIR=$PEERS_DIR bash "$PEERS/servers.sh" start "$peer" >/dev/null && started_peers+=("$peer")
  fi
done
stop_peers() { for peer in "${started_peers[@]}"; do PEERS_DIR=$PEERS_DIR bash "$PEERS/servers.sh" stop "$peer" >/dev/null || true; done; }
trap 'stop_peers; cleanup' EXIT

# Uncached: the page cache off (PAGE_CACHE_SECONDS=0), as staff, the first reader after a write
# and the archive's long tail see a story; fragments such as the grades panels still come from the
# cache. Cached: an anonymous reader served by the page cache.
targets=("newsroom_uncached=http://127.0.0.1:$((PORT + 1))$STORY" "newsroom_cached=http://127.0.0.1:$PORT$STORY")
curl -fs -o /dev/null "http://127.0.0.1:8002$PEER_SLUG" 2>/dev/null &&
  targets+=("wagtail_article=http://127.0.0.1:8002$PEER_SLUG")
curl -fs -o /dev/null "http://127.0.0.1:8001$PEER_SLUG" 2>/dev/null &&
  targets+=("django_article=http://127.0.0.1:8001$PEER_SLUG" "django_floor=http://127.0.0.1:8001/floor/")
for target in "${targets[@]}"; do  # every target answers 200 before anything is timed
  code=$(curl -s -o /dev/null -w '%{http_code}' "${target#*=}")
  [ "$code" = 200 ] || { echo "bench: ${target%%=*} answered $code" >&2; exit 1; }
done

# Interleaved wrk rounds (A B C D, A B C D, ...) that also read each server's CPU time: on a
# shared machine req/s moves with other people's jobs, CPU per request much less.
echo "bench: wrk, ${ROUNDS:-3} interleaved rounds of ${DURATION:-10s} (targets: ${targets[*]})"
python3 "$PEERS/cpubench.py" "$OUT/wrk" "${ROUNDS:-3}" "${DURATION:-10s}" "${targets[@]}" | tee "$OUT/wrk-rounds.txt"
python3 - "$OUT/wrk/runs.json" <<'PYEOF' | tee "$OUT/wrk.txt"
import json, statistics, sys
rows = json.load(open(sys.argv[1]))
names = list(dict.fromkeys(row["name"] for row in rows))
summary = {}
for name in names:
    runs = [row for row in rows if row["name"] == name]
    summary[name] = {
        "rps": statistics.median(row["rps"] for row in runs),
        "cpu": statistics.median(row["server_cpu_ms_per_req"] for row in runs),
        "p50": statistics.median(row["p50_ms"] for row in runs),
        "errors": sum(row["non2xx"] + row["sockerr"] for row in runs),
        "foreign": max(row["foreign_pct"] for row in runs),
        "rounds": " / ".join(f"{row['server_cpu_ms_per_req']:.2f}" for row in runs),
    }
base = summary.get("wagtail_article")
print("| target | median req/s | server CPU ms/request | req/s ÷ Wagtail's | Wagtail's CPU/request ÷ this "
      "| median p50 ms | non-2xx + socket errors | max foreign CPU % | CPU ms/request per round |")
print("|---|---|---|---|---|---|---|---|---|")
for name, s in summary.items():
    rps_ratio = f"{s['rps'] / base['rps']:.2f}x" if base else "-"
    cpu_ratio = f"{base['cpu'] / s['cpu']:.2f}x" if base else "-"
    print(f"| {name} | {s['rps']:.0f} | {s['cpu']:.2f} | {rps_ratio} | {cpu_ratio} | {s['p50']:.1f} "
          f"| {s['errors']} | {s['foreign']:.1f} | {s['rounds']} |")
PYEOF

echo "bench: in-process cost and queries per page (Django test client, no network)"
DEBUG=0 .venv/bin/python scripts/bench_pages.py | tee "$OUT/pages.txt"

# The top of docs/benchmarks.md is this script's; the sections of make bench-scale and make
# bench-memory, from the first of them on, are kept as they are.
archive=$(sed -n '/^## \(At archive scale\|Worker memory\)/,$p' docs/benchmarks.md 2>/dev/null || true)
{
  echo "# Benchmarks"
  echo
  echo "Written by \`make bench\` ($STAMP) on $(uname -srm), $(nproc) cores."
  echo "wrk and gunicorn (2 sync workers, DEBUG off, SQLite, the file cache) share the machine with"
  echo "whatever else runs on it: compare ratios within one run, not absolute figures across runs, and"
  echo "trust server CPU per request (utime + stime of the server's processes over the run, divided"
  echo "by the requests answered) over requests per second on a busy machine."
  echo
  echo "## Story page over HTTP (wrk, interleaved)"
  echo
  echo "Uncached: the page cache off, as staff, the first reader after a write and the archive's long"
  echo "tail get a story; the grades panels still come from their own cache (\`inspections/panel.py\`)."
  echo "The peers serve the same story (\`../shared/peers\`): Wagtail 8 and a plain Django article."
  echo
  sed -n '/^| target/,$p' "$OUT/wrk.txt" | grep '^|' || tail -n 20 "$OUT/wrk.txt"
  echo
  echo "## In process, per page"
  echo
  echo "Django's test client, no network, median milliseconds (wall clock) and queries. Cold: the"
  echo "whole cache emptied before each request (the first request after a write to inspection data);"
  echo "uncached: the page cache off; cached: from the page cache."
  echo
  echo '```'
  cat "$OUT/pages.txt"
  echo '```'
  if [ -n "$archive" ]; then echo; echo "$archive"; fi
} > docs/benchmarks.md
echo "bench: figures written to docs/benchmarks.md (raw output in $OUT)"

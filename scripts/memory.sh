#!/usr/bin/env bash
# make bench-memory: a gunicorn worker's resident memory after 1,000 mixed reader requests.
#
# Serves a throwaway demo database with gunicorn (2 sync workers, DEBUG off), once with the page
# cache on (as deployed) and once with it off (every request rendered), sends each 1,000
# requests spread over every kind of reader page (home, stories, sections, tags, authors,
# search, feeds, sitemaps, reports, organisations), then reads each worker's VmRSS from
# /proc/<pid>/status. Budget: 64 MiB per worker (issue 12). Prints the figures and writes them
# to docs/benchmarks.md, section "Worker memory" (the rest of the file is kept).
set -euo pipefail
cd "$(dirname "$0")/.."
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=${MEMORY_PORT:-$(free_port)}
REQUESTS=${REQUESTS:-1000}
BUDGET_MIB=${BUDGET_MIB:-64}
WORK=$(mktemp -d /tmp/newsroom-memory.XXXXXX)

export DATABASE_URL="sqlite:///$WORK/memory.sqlite3" MEDIA_ROOT="$WORK/media" CACHE_DIR="$WORK/cache"
export STATIC_ROOT="$WORK/static"
export SECRET_KEY="memory-only-$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 SITE_URL="http://127.0.0.1:$PORT"

echo "memory: building the demo database in $WORK"
DEBUG=1 .venv/bin/python manage.py migrate -v0
DEBUG=1 .venv/bin/python manage.py load_demo -v0
DEBUG=0 .venv/bin/python manage.py collectstatic --noinput -v0

# Every reader address of the demo, by kind.
DEBUG=0 .venv/bin/python manage.py shell -v 0 -c '
from articles.models import Article, Author, Section, Tag
from inspections.models import InspectionReport, Organisation, Inspectorate
pages = ["/", "/corrections/", "/feeds/latest.rss", "/feeds/latest.atom", "/feeds/corrections.rss",
         "/sitemap.xml", "/sitemap-stories.xml", "/sitemap-pages.xml", "/news-sitemap.xml",
         "/robots.txt", "/inspections/reports/", "/inspections/organisations/",
         "/inspections/inspectorates/"]
pages += [f"/search/?q={word}" for word in ["police", "inspection", "hospital", "school", "force"]]
pages += [a.get_absolute_url() for a in Article.objects.published()]
for model in (Section, Tag, Author):
    for item in model.objects.all():
        pages.append(item.get_absolute_url())
        kind = model.__name__.lower()
        pages.append(f"/feeds/{kind}/{item.slug}.rss")
pages += [r.get_absolute_url() for r in InspectionReport.objects.public()]
pages += [o.get_absolute_url() for o in Organisation.objects.all()]
pages += [i.get_absolute_url() for i in Inspectorate.objects.all()]
print("\n".join(pages))
' > "$WORK/pages.txt"
echo "memory: $(wc -l < "$WORK/pages.txt") reader addresses"

masters=()
cleanup() { for pid in "${masters[@]}"; do kill "$pid" 2>/dev/null || true; done; sleep 1; rm -rf "$WORK"; }
trap cleanup EXIT

measure() {  # measure LABEL PORT PAGE_CACHE_SECONDS
  DEBUG=0 PAGE_CACHE_SECONDS=$3 .venv/bin/gunicorn newsroom.wsgi --workers 2 --worker-class sync \
    --bind "127.0.0.1:$2" --error-logfile "$WORK/gunicorn-$2.log" --pid "$WORK/gunicorn-$2.pid" &
  local master=$!
  masters+=("$master")
  local answered=""
  for _ in $(seq 1 600); do  # a busy machine can take a minute to start the workers
    curl -fs -o /dev/null "http://127.0.0.1:$2/robots.txt" && { answered=1; break; }
    sleep 0.2
  done
  if [ -z "$answered" ] || ! kill -0 "$master" 2>/dev/null; then
    echo "memory: gunicorn on port $2 did not start (is the port taken?)" >&2; exit 1
  fi
  local workers
  workers=$(pgrep -P "$master" | tr '\n' ' ' || true)
  local before
  before=$(for pid in $workers; do awk '/VmRSS/ {printf "%.1f ", $2/1024}' "/proc/$pid/status"; done)
  .venv/bin/python - "$2" "$REQUESTS" "$WORK/pages.txt" <<'PY'
import sys, urllib.request, urllib.error
port, count, pages = sys.argv[1], int(sys.argv[2]), open(sys.argv[3]).read().split()
failures = 0
for n in range(count):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{pages[n % len(pages)]}", timeout=60) as r:
            r.read()
    except urllib.error.HTTPError as error:
        failures += error.code >= 500
if failures:
    sys.exit(f"memory: {failures} requests failed")
PY
  local after=() pid
  for pid in $workers; do
    after+=("$(awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status")")
  done
  local peak
  peak=$(printf '%s\n' "${after[@]}" | sort -n | tail -n 1)
  printf 'memory: %-16s worker RSS after start %sMiB; after %s requests: %s MiB (largest %s MiB, budget %s MiB)\n' \
    "$1" "$before" "$REQUESTS" "${after[*]}" "$peak" "$BUDGET_MIB"
  kill "$master"
  echo "$peak" >> "$WORK/peaks.txt"
  printf '| %s | %s | %s | %s |\n' "$1" "$before" "${after[*]}" "$peak" >> "$WORK/table.md"
}

measure "page cache on" "$PORT" 300
measure "page cache off" "${MEMORY_PORT_UNCACHED:-$(free_port)}" 0
worst=$(sort -n "$WORK/peaks.txt" | tail -n 1)
echo "memory: largest worker ${worst} MiB (budget ${BUDGET_MIB} MiB)"
{
  echo "## Worker memory"
  echo
  echo "Written by \`make bench-memory\` ($(date -u +%Y%m%dT%H%M%SZ)): each gunicorn worker's resident"
  echo "memory (VmRSS, MiB) after start and after $REQUESTS requests spread over the demo's"
  echo "$(wc -l < "$WORK/pages.txt") reader addresses (SQLite, the file cache; 2 sync workers)."
  echo "Budget: $BUDGET_MIB MiB; largest: $worst MiB."
  echo
  echo "| page cache | after start | after $REQUESTS requests | largest |"
  echo "|---|---|---|---|"
  cat "$WORK/table.md"
} > "$WORK/section.md"
bash scripts/doc_section.sh "Worker memory" "$WORK/section.md"
awk -v worst="$worst" -v budget="$BUDGET_MIB" 'BEGIN { exit !(worst <= budget) }' ||
  { echo "memory: over budget" >&2; exit 1; }

#!/usr/bin/env bash
# make bench-scale: an archive of 100,000 stories (manage.py build_archive) in a scratch
# PostgreSQL database, then the in-process cost and query count of every page of issue 12's
# table (scripts/bench_scale.py). Prints the figures and writes them to docs/benchmarks.md,
# section "At archive scale" (the rest of the file is kept).
#
# The database (BENCH_SCALE_DB, default newsroom_bench_scale on BENCH_SCALE_SERVER) is made if
# missing and kept afterwards: a later run that finds it migrated and of the right size reuses
# it (building 100,000 stories takes a good many minutes on a busy machine). REBUILD=1 drops it
# first; DROP=1 drops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STORIES=${STORIES:-100000}
SERVER=${BENCH_SCALE_SERVER:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_SCALE_DB:-newsroom_bench_scale}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${BENCH_OUT:-$ROOT/bench-results/scale-$STAMP}
WORK=$(mktemp -d /tmp/newsroom-bench-scale.XXXXXX)
mkdir -p "$OUT" docs
trap 'rm -rf "$WORK"' EXIT

export DATABASE_URL="$SERVER/$DB" CACHE_DIR="$WORK/cache" MEDIA_ROOT="$WORK/media"
export SECRET_KEY="bench-only-$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0
PY=.venv/bin/python

psql_admin() { psql "$SERVER/postgres" -v ON_ERROR_STOP=1 -qtAc "$1"; }
exists=$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$DB'")
if [ -n "$exists" ] && [ "${REBUILD:-0}" = 1 ]; then
  psql_admin "DROP DATABASE \"$DB\" WITH (FORCE)"
  exists=""
fi
[ -n "$exists" ] || psql_admin "CREATE DATABASE \"$DB\""

DEBUG=1 $PY manage.py migrate --noinput -v0
have=$(psql "$SERVER/$DB" -qtAc "SELECT count(*) FROM articles_article WHERE status = 'published'")
if [ "$have" != "$STORIES" ]; then
  if [ "$have" != 0 ]; then
    echo "bench-scale: $DB holds $have stories, not $STORIES: building it again"
    psql_admin "DROP DATABASE \"$DB\" WITH (FORCE)"
    psql_admin "CREATE DATABASE \"$DB\""
    DEBUG=1 $PY manage.py migrate --noinput -v0
  fi
  echo "bench-scale: building $STORIES stories in $DB (minutes)"
  DEBUG=1 $PY manage.py build_archive --stories "$STORIES" | tee "$OUT/build.txt"
else
  echo "bench-scale: reusing $DB ($have stories)"
fi
# Fresh statistics and visibility map, as autovacuum leaves a real database.
psql "$SERVER/$DB" -qc "VACUUM (ANALYZE)"
DEBUG=0 $PY manage.py collectstatic --noinput -v0

echo "bench-scale: in-process cost and queries per page (Django test client, page cache off)"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
DEBUG=0 BENCH_RUNS=${BENCH_RUNS:-20} $PY scripts/bench_scale.py 2>"$OUT/errors.txt" | tee "$OUT/pages.txt"

section="$WORK/section.md"
{
  echo "## At archive scale"
  echo
  echo "Written by \`make bench-scale\` ($STAMP) on $(uname -srm), $(nproc) cores: an archive"
  echo "from \`manage.py build_archive --stories $STORIES\` (50 authors, 200 tags, one report of"
  echo "nine graded areas per 50 stories) on PostgreSQL, each page requested through Django's test"
  echo "client ${BENCH_RUNS:-20} times with the page cache off (median and 95th percentile), and"
  echo "once right after the whole cache was emptied (cold); cpu is this process's CPU time"
  echo "(not the database's). The machine is shared: compare within one run. Load average"
  echo "before the run: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)."
  echo
  echo '```'
  cat "$OUT/pages.txt"
  echo '```'
} > "$section"
bash scripts/doc_section.sh "At archive scale" "$section"
echo "bench-scale: figures written to docs/benchmarks.md (raw output in $OUT)"

if [ "${DROP:-0}" = 1 ]; then
  psql_admin "DROP DATABASE \"$DB\" WITH (FORCE)"
fi

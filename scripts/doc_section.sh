#!/usr/bin/env bash
# doc_section.sh HEADING FILE: put FILE (a section starting with "## HEADING") into
# docs/benchmarks.md in place of the section of that heading (up to the next "## " heading), or
# at its end; everything else in the file is kept. make bench keeps every such section.
set -euo pipefail
heading=$1 section=$2
touch docs/benchmarks.md
out=$(mktemp)
awk -v heading="## $heading" -v section="$section" '
  index($0, heading) == 1 { while ((getline line < section) > 0) print line; skip = 1; done = 1; next }
  skip && /^## / { skip = 0; print ""; }
  !skip { print }
  END { if (!done) { print ""; while ((getline line < section) > 0) print line } }
' docs/benchmarks.md > "$out"
cp "$out" docs/benchmarks.md
rm -f "$out"

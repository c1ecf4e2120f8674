#!/usr/bin/env bash
# Wall time of tools/facenet-import (the whole command: JVM start, reading and checking the source, building, folding
# and writing the SavedModel) for each SOURCE, the sources alternating within each round; prints each run and the
# medians. The facenet-import line's own "in N s" (the import without the JVM start) is printed beside it.
# usage: tools/bench/import-rounds.sh ROUNDS SOURCE...   (e.g. an .onnx file, a facenet model folder or .pb)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="$1"
shift
WORK="$(mktemp -d)"
declare -A walls inner
for r in $(seq 1 "$ROUNDS"); do
  for s in "$@"; do
    out="$WORK/out"
    rm -rf "$out"
    t0=$(date +%s.%N)
    "$ROOT/tools/facenet-import" "$s" --out "$out" > "$WORK/log" 2>&1
    t1=$(date +%s.%N)
    w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    i=$(sed -n 's/.* in \([0-9.]*\) s -> .*/\1/p' "$WORK/log")
    walls[$s]="${walls[$s]:-} $w"
    inner[$s]="${inner[$s]:-} $i"
    echo "round $r: $(basename "$s"): ${w} s wall, import ${i} s"
  done
done
median() { printf '%s\n' $@ | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
for s in "$@"; do
  echo "median: $(basename "$s"): $(median ${walls[$s]}) s wall, import $(median ${inner[$s]}) s"
done
rm -rf "$WORK"

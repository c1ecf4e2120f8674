#!/usr/bin/env bash
# Alternating timed runs (not run by CI) for docs/benchmarks.md, "Importing facenet's full-size models":
#   1. tools/facenet-import on the four stand-ins of docs/interop.md (XC: the --work folder of
#      tools/interop/facenet_crosscheck.py, holding 2018xc-512/, 2018xc-512.pb, 2018xc-128/, 2018xc-128.pb), one of
#      each per round, wall-clock time of the whole command;
#   2. with TRAINED (a full-size SavedModel exported by facenet-train) and IMAGES (a folder of 160 px crops):
#      tools/facenet-embed IMAGES with the round's imported 512-D model and with TRAINED, alternating, each run's
#      wall time and the images/s facenet-embed prints (model load and its warm-up batch excluded).
# usage: tools/interop/import_rounds.sh XC WORK ROUNDS [TRAINED IMAGES]     (prints TSV; then the medians)
set -euo pipefail
xc=$1 work=$2 rounds=$3 trained=${4:-} images=${5:-}
tools=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"
out=$work/rounds.tsv
: > "$out"
now() { date +%s.%N; }
for r in $(seq 1 "$rounds"); do
  for src in 2018xc-512 2018xc-512.pb 2018xc-128 2018xc-128.pb; do
    rm -rf "$work/imported"
    std=fixed; [[ $src == 2018xc-128* ]] && std=per-image
    t0=$(now)
    "$tools/facenet-import" "$xc/$src" --standardization "$std" --out "$work/imported" > "$work/import.log" 2>&1
    t1=$(now)
    printf 'import\t%s\t%d\t%.1f\n' "$src" "$r" "$(echo "$t1 - $t0" | bc)" | tee -a "$out"
    if [[ $src == 2018xc-512 ]]; then rm -rf "$work/imported-512"; mv "$work/imported" "$work/imported-512"; fi
  done
  if [[ -n $trained ]]; then
    for model in "$work/imported-512" "$trained"; do
      t0=$(now)
      line=$("$tools/facenet-embed" "$images" --model "$model" --out "$work/e.csv" 2>/dev/null | grep '^embedded')
      t1=$(now)
      rate=$(sed 's/.*(\([0-9.]*\) images\/s).*/\1/' <<< "$line")
      name=imported; [[ $model == "$trained" ]] && name=trained
      printf 'embed\t%s\t%d\t%.1f\t%s\n' "$name" "$r" "$(echo "$t1 - $t0" | bc)" "$rate" | tee -a "$out"
    done
  fi
done
echo "medians (wall s; embed: wall s, images/s):"
python3 - "$out" <<'PY'
import statistics, sys, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1], encoding="utf-8"):
    f = line.split("\t")
    runs[(f[0], f[1])].append([float(x) for x in f[3:]])
for (kind, what), v in runs.items():
    cols = list(zip(*v))
    print(kind, what, len(v), "runs:", " ".join(f"{statistics.median(c):.1f}" for c in cols),
          " all:", "; ".join(" ".join(f"{x:.1f}" for x in row) for row in v))
PY

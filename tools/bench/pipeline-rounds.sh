#!/usr/bin/env bash
# Input-pipeline images/s of two builds in alternating rounds: `facenet bench --synthetic-preset --batch-size 64
# --data DIR --steps 20` with each jar in turn (FACENET_JAR), for each data folder, ROUNDS times; then the medians.
#   tools/bench/pipeline-rounds.sh 3 /tmp/before/facenet-java.jar target/facenet-java.jar data/synthetic/train DIR2
# (each jar needs its lib/ beside it: copy target/facenet-java.jar and target/lib together.)
# The 250 px JPEG folder of docs/benchmarks.md was made from the synthetic set with Pillow:
#   python3 -c "from PIL import Image; import os; s='data/synthetic/train'; d='/tmp/jpeg'
#   [os.makedirs(f'{d}/{i}', exist_ok=True) or [Image.open(f'{s}/{i}/{f}').convert('RGB').resize((250, 250),
#   Image.BICUBIC).save(f'{d}/{i}/{f[:-4]}.jpg', quality=90) for f in sorted(os.listdir(f'{s}/{i}'))[:24]]
#   for i in sorted(os.listdir(s))[:60]]"
set -euo pipefail
if [ $# -lt 4 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds=$1; a=$2; b=$3; shift 3
out=$(mktemp)
for r in $(seq "$rounds"); do
  for d in "$@"; do
    for jar in "$a" "$b"; do
      v=$(FACENET_JAR="$jar" "$ROOT/tools/facenet" bench --synthetic-preset --batch-size 64 --data "$d" --steps 20 2>&1 \
        | sed -n 's/^input pipeline alone: \([0-9.]*\) images.*/\1/p')
      printf '%s\t%s\t%s\t%s\t%s\n' "$r" "$d" "$jar" "$v" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out"
    done
  done
done
echo "medians (images/s):"
for d in "$@"; do
  for jar in "$a" "$b"; do
    m=$(awk -F'\t' -v d="$d" -v j="$jar" '$2 == d && $3 == j {print $4}' "$out" | sort -n \
      | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}')
    printf '%s\t%s\t%s\n' "$d" "$jar" "$m"
  done
done
rm -f "$out"

#!/usr/bin/env bash
# One process of 2 TensorFlow threads against 2 loopback workers (TF_CONFIG) of 1 thread each, alternating rounds,
# on the synthetic preset's network: global batch 64, STEPS steps after the first. Prints each run's images/s (the
# global batch's images per second of training, from facenet-train's own summary line) and the medians.
# usage: tools/bench/workers-rounds.sh [ROUNDS] [STEPS] [DATA_DIR]   (DATA_DIR: a facenet-layout training folder)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${1:-3}"
STEPS="${2:-60}"
DATA="${3:-$ROOT/data/synthetic/train}"
WORK="$(mktemp -d)"
FLAGS=(--data "$DATA" --image-size 96 --width 0.5 --depth 0.2 --embedding-size 128 --batch-size 64
  --max-epochs 1 --epoch-size "$STEPS" --checkpoint-every 100000 --no-export --input-threads 1)
rate() { sed -n 's/.*trained steps [0-9]*\.\.[0-9]* in [0-9.]* s (\([0-9.]*\) images\/s.*/\1/p' "$1" | tail -n 1; }
one=(); two=()
for r in $(seq 1 "$ROUNDS"); do
  "$ROOT/tools/facenet" train "${FLAGS[@]}" --threads 2 --models-dir "$WORK/one-$r" --run-name run > "$WORK/one-$r.log" 2>&1
  one+=("$(rate "$WORK/one-$r.log")")
  for i in 0 1; do
    TF_CONFIG='{"cluster": {"worker": ["localhost:23471", "localhost:23472"]}, "task": {"type": "worker", "index": '$i'}}' \
      "$ROOT/tools/facenet" train "${FLAGS[@]}" --threads 1 --models-dir "$WORK/two-$r-$i" --run-name run \
      > "$WORK/two-$r-$i.log" 2>&1 &
  done
  wait
  # the chief's images/s counts its own half of the global batch
  two+=("$(awk -v x="$(rate "$WORK/two-$r-0.log")" 'BEGIN { printf "%.1f", 2 * x }')")
  echo "round $r: 1 process x 2 threads ${one[-1]} images/s; 2 workers x 1 thread ${two[-1]} images/s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo "median: 1 process x 2 threads $(median "${one[@]}") images/s; 2 workers x 1 thread $(median "${two[@]}") images/s"
rm -rf "$WORK"

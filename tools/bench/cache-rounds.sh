#!/usr/bin/env bash
# The decoded-image cache off vs on, in alternating rounds: `facenet bench --synthetic-preset --batch-size 64
# --data DIR --cache-images off|on`, ROUNDS times each; prints each run (pipeline alone images/s, its CPU ms per
# batch, training images/s fed by the pipeline, the same run's training images/s on random pixels without the pipeline
# as a control, load average) then the medians and the median of the paired ratios. ORDER="on off" swaps the order.
#   tools/facenet synth /tmp/cache-synth && tools/bench/cache-rounds.sh 3 /tmp/cache-synth/train
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds=$1; dir=$2; shift 2
out=$(mktemp)
printf 'round\tcache\tpipeline img/s\tCPU ms/batch\ttrain fed img/s\ttrain random pixels img/s\tload\n'
for r in $(seq "$rounds"); do
  for mode in ${ORDER:-off on}; do
    log=$("$ROOT/tools/facenet" bench --synthetic-preset --batch-size 64 --data "$dir" --cache-images "$mode" "$@" 2>&1)
    px=$(sed -n 's/^input pipeline alone: \([0-9.]*\) images.*/\1/p' <<<"$log")
    cpu=$(sed -n 's/.*, \([0-9.]*\) ms of CPU per batch.*/\1/p' <<<"$log")
    fed=$(sed -n 's/^training fed by the input pipeline: \([0-9.]*\) images.*/\1/p' <<<"$log")
    ctl=$(awk -F'|' '$2 ~ /inception|resnet|mobile|net/ {gsub(/ /, "", $7); print $7; exit}' <<<"$log")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$mode" "$px" "$cpu" "$fed" "$ctl" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out"
  done
done
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
for c in 3 4 5 6; do
  name=$(printf 'pipeline img/s\nCPU ms/batch\ntrain fed img/s\ntrain random pixels img/s' | sed -n "$((c - 2))p")
  off=$(awk -F'\t' -v c="$c" '$2 == "off" {print $c}' "$out" | median)
  on=$(awk -F'\t' -v c="$c" '$2 == "on" {print $c}' "$out" | median)
  ratio=$(awk -F'\t' -v c="$c" '$2 == "off" {o[$1] = $c} $2 == "on" {n[$1] = $c} END {for (r in o) print n[r] / o[r]}' "$out" | median)
  printf 'median %s: off %s, on %s, paired on/off ratio %s\n' "$name" "$off" "$on" "$ratio"
done
rm -f "$out"

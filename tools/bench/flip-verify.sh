#!/usr/bin/env bash
# Verifies trained runs' exported models on a pairs file twice: as trained (each image's embedding) and with
# test-time flips (facenet-verify --flip: the L2-normalised sum of the image's and its mirror image's embeddings, as
# insightface's verification and facenet's validate_on_lfw --use_flipped_images do). Prints a markdown table
# (docs/benchmarks.md, "Test-time flips").
# Usage: tools/bench/flip-verify.sh PAIRS PAIRS_DIR RUN_DIR...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[ $# -ge 3 ] || { echo "usage: $0 PAIRS PAIRS_DIR RUN_DIR..." >&2; exit 2; }
PAIRS="$1"
DIR="$2"
shift 2
"$ROOT/tools/facenet" --version >/dev/null
echo "| run | accuracy | VAL@FAR=1e-3 | AUC | accuracy, flips | VAL@FAR=1e-3, flips | AUC, flips |"
echo "|---|---|---|---|---|---|---|"
for run in "$@"; do
  row=""
  for flip in "" "--flip"; do
    # shellcheck disable=SC2086
    out=$("$ROOT/tools/facenet-verify" --model "$run" --data "$DIR" --pairs "$PAIRS" $flip 2>&1) \
      || { echo "flip-verify: $run: $(echo "$out" | tail -1)" >&2; exit 1; }
    acc=$(echo "$out" | sed -n 's/^Accuracy: \([0-9.]*\)+-\([0-9.]*\).*/\1 ± \2/p')
    val=$(echo "$out" | sed -n 's/^Validation rate: \([0-9.]*\)+-\([0-9.]*\).*/\1 ± \2/p')
    auc=$(echo "$out" | sed -n 's/^Area Under Curve (AUC): \([0-9.]*\).*/\1/p')
    row="$row | $acc | $val | $auc"
  done
  echo "| $(basename "$run")$row |"
done

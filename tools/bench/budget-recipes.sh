#!/usr/bin/env bash
# Trains recipes on the embedded synthetic data set, each for the same wall-clock budget, and prints a markdown table
# (docs/benchmarks.md, "Recipes at a fixed time budget"). Runs alternate recipe by recipe within each seed.
# Usage: tools/bench/budget-recipes.sh [BUDGET] [SEEDS...]      e.g. tools/bench/budget-recipes.sh 3m 666 667
# Environment:
#   RECIPES  names of the recipes to run, space-separated (default: all below)
#   OUT      folder for the runs and their logs (default: models/budget-recipes; each run folder is replaced)
#   SYNTH    synthetic data folder prefix (default: data/synthetic-budget; SYNTH-SEED is generated on first use for each
#            seed, as --seed sets the data set too; generation is not counted in the budget, it is in the first wall time)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUDGET="${1:-3m}"
shift || true
SEEDS=("$@")
[ ${#SEEDS[@]} -gt 0 ] || SEEDS=(666)
# Every recipe spells out its loss, rate schedule, warm-ups and averaging, so that a preset's recipe (the defaults of
# those flags) does not leak into a row.
NONE="--lr-schedule constant --warmup-fraction 0 --moving-average-decay 0"
declare -A FLAGS=(
  [softmax]="--loss softmax $NONE"
  [softmax-cosine]="--loss softmax --warmup-fraction 0.05 --lr-schedule cosine --moving-average-decay 0"
  [softmax-poly]="--loss softmax --warmup-fraction 0.05 --lr-schedule poly --moving-average-decay 0"
  [softmax-average]="--loss softmax --lr-schedule constant --warmup-fraction 0 --moving-average-decay 0.999"
  [arcface]="--loss arcface $NONE --margin-warmup-fraction 0"
  [arcface-margin-warmup]="--loss arcface $NONE --margin-warmup-fraction 0.3"
  [arcface-margin-warmup-cosine]="--loss arcface --margin-warmup-fraction 0.3 --warmup-fraction 0.05 --lr-schedule cosine --moving-average-decay 0"
  [arcface-margin-warmup-cosine-average]="--loss arcface --margin-warmup-fraction 0.3 --warmup-fraction 0.05 --lr-schedule cosine --moving-average-decay 0.999"
  [arcface-margin-warmup-average]="--loss arcface --margin-warmup-fraction 0.3 --warmup-fraction 0.05 --lr-schedule constant --moving-average-decay 0.999"
  [arcface-margin-warmup-average-bfloat16]="--loss arcface --margin-warmup-fraction 0.3 --warmup-fraction 0.05 --lr-schedule constant --moving-average-decay 0.999 --precision bfloat16"
  [cosface-margin-warmup-cosine-average]="--loss cosface --margin-warmup-fraction 0.3 --warmup-fraction 0.05 --lr-schedule cosine --moving-average-decay 0.999"
)
ORDER="softmax softmax-cosine softmax-poly softmax-average arcface arcface-margin-warmup arcface-margin-warmup-cosine
  arcface-margin-warmup-cosine-average arcface-margin-warmup-average arcface-margin-warmup-average-bfloat16
  cosface-margin-warmup-cosine-average"
RECIPES="${RECIPES:-$ORDER}"
for r in $RECIPES; do [ -n "${FLAGS[$r]:-}" ] || { echo "budget-recipes: unknown recipe '$r' (known: $ORDER)" >&2; exit 2; }; done
OUT="${OUT:-$ROOT/models/budget-recipes}"
SYNTH="${SYNTH:-$ROOT/data/synthetic-budget}"
mkdir -p "$OUT"
"$ROOT/tools/facenet" --version >/dev/null
rm -rf "$OUT/.jar" && mkdir -p "$OUT/.jar" && cp -r "$ROOT/target/facenet-java.jar" "$ROOT/target/lib" "$OUT/.jar/"
export FACENET_JAR="$OUT/.jar/facenet-java.jar"
echo "| recipe | flags | seed | held-out accuracy | VAL@FAR=1e-3 | AUC | steps | images/s | exported weights | wall |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for seed in "${SEEDS[@]}"; do
  for r in $RECIPES; do
    name="$r-$seed"
    log="$OUT/$name.log"
    rm -rf "$OUT/$name"
    start=$(date +%s)
    # shellcheck disable=SC2086
    if "$ROOT/tools/facenet-train" ${FLAGS[$r]} --seed "$seed" --time-budget "$BUDGET" --synthetic-dir "$SYNTH-$seed" \
        --models-dir "$OUT" --run-name "$name" >"$log" 2>&1; then
      secs=$(( $(date +%s) - start ))
      row=$(grep "trained model" "$log" | tail -1)
      acc=$(echo "$row" | awk '{print $3" ± "$5}')
      val=$(echo "$row" | awk '{print $6" ± "$8}')
      auc=$(echo "$row" | awk '{print $9}')
      steps=$(grep -o "trained steps [0-9]*\.\.[0-9]*" "$log" | tail -1 | sed 's/.*\.\.//')
      rate=$(grep -o "([0-9.]* images/s)" "$log" | tail -1 | tr -d '(' | awk '{print $1}')
      weights=$(grep -q "moving averages of the weights" "$log" && echo averaged || echo trained)
      echo "| $r | \`${FLAGS[$r]}\` | $seed | $acc | $val | $auc | $steps | $rate | $weights | ${secs} s |"
    else
      echo "| $r | \`${FLAGS[$r]}\` | $seed | failed: $(grep -m1 '^error' "$log" || tail -1 "$log") | | | | | | |"
    fi
  done
done

#!/usr/bin/env bash
# Embedding from JPEG files, facenet-java against Python TensorFlow, in alternating rounds: on a machine whose speed
# drifts (a shared host), one run of each is not a comparison; N rounds of java-then-tf give N paired ratios and
# their median. Measurement only; nothing of the product or of CI uses it.
#
# Usage: tools/bench/jpeg-rounds.sh [ROUNDS] [JPEG_DIR] [JAVA_MODEL]
#   ROUNDS      (default 5)
#   JPEG_DIR    (default /tmp/facenet-peers/jpeg-160px-640, which tools/bench/peers.sh prepares)
#   JAVA_MODEL  a 160 px SavedModel (default /tmp/facenet-peers/java-model/irv1-160px-512/saved_model, idem)
# Environment: PYTHON (default python3, with tensorflow_cpu), FACENET_JAR (default: tools/facenet builds target/).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${1:-5}"
JPEG_DIR="${2:-/tmp/facenet-peers/jpeg-160px-640}"
MODEL="${3:-/tmp/facenet-peers/java-model/irv1-160px-512/saved_model}"
PYTHON="${PYTHON:-python3}"
[ -f "$MODEL/saved_model.pb" ] || { echo "jpeg-rounds: no SavedModel in $MODEL (run tools/bench/peers.sh once)" >&2; exit 2; }
[ -d "$JPEG_DIR" ] || { echo "jpeg-rounds: no folder $JPEG_DIR (run tools/bench/peers.sh once)" >&2; exit 2; }
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
echo "| round | java img/s | python-tf img/s | java/tf |"
echo "|---|---|---|---|"
for i in $(seq 1 "$ROUNDS"); do
  J=$("$ROOT/tools/facenet-embed" "$JPEG_DIR" --model "$MODEL" --out "$OUT/java.csv" 2>&1 \
      | grep -o '([0-9.]* images/s)' | grep -o '[0-9.]*' | head -1)
  T=$("$PYTHON" "$ROOT/tools/bench/peer_tf.py" --image-size 160 --batch-size 32 --steps 1 --warmup 1 --threads "$(nproc)" \
      --jpeg-dir "$JPEG_DIR" 2>/dev/null | grep -o 'embed_jpeg_img_s=[0-9.]*' | cut -d= -f2)
  echo "| $i | $J | $T | $(awk -v j="$J" -v t="$T" 'BEGIN { printf "%.2f", j / t }') |"
  echo "$J $T" >> "$OUT/pairs.txt"
done
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median java $(cut -d' ' -f1 "$OUT/pairs.txt" | median) img/s; median python-tf $(cut -d' ' -f2 "$OUT/pairs.txt" | median) img/s;" \
  "median paired ratio java/tf $(awk '{ print $1 / $2 }' "$OUT/pairs.txt" | median) ($ROUNDS rounds)"

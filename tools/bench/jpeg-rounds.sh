#!/usr/bin/env bash
# Embedding from JPEG files, facenet-java against Python TensorFlow (and facenet-pytorch, where its model file is in
# tools/bench/.cache), in alternating rounds: on a machine whose speed drifts (a shared host), one run of each is not
# a comparison; N rounds of java-then-peers give N paired ratios and their median. Measurement only; nothing of the
# product or of CI uses it.
#
# Usage: tools/bench/jpeg-rounds.sh [ROUNDS] [JPEG_DIR] [JAVA_MODEL]
#   ROUNDS      (default 5)
#   JPEG_DIR    (default /tmp/facenet-peers/jpeg-160px-640, which tools/bench/peers.sh prepares)
#   JAVA_MODEL  a 160 px SavedModel (default /tmp/facenet-peers/java-model/irv1-160px-512/saved_model, idem)
# Environment: PRECISION float32 (default) or bfloat16: facenet-embed --precision, the peers' --bfloat16;
#   PYTHON (default python3, with tensorflow_cpu and torch), FACENET_JAR (default: tools/facenet builds target/).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${1:-5}"
JPEG_DIR="${2:-/tmp/facenet-peers/jpeg-160px-640}"
MODEL="${3:-/tmp/facenet-peers/java-model/irv1-160px-512/saved_model}"
PYTHON="${PYTHON:-python3}"
PRECISION="${PRECISION:-float32}"
case "$PRECISION" in
  float32) PEER_FLAG=() ;;
  bfloat16) PEER_FLAG=(--bfloat16) ;;
  *) echo "jpeg-rounds: PRECISION must be float32 or bfloat16, got $PRECISION" >&2; exit 2 ;;
esac
[ -f "$MODEL/saved_model.pb" ] || { echo "jpeg-rounds: no SavedModel in $MODEL (run tools/bench/peers.sh once)" >&2; exit 2; }
[ -d "$JPEG_DIR" ] || { echo "jpeg-rounds: no folder $JPEG_DIR (run tools/bench/peers.sh once)" >&2; exit 2; }
TORCH=0
[ -f "$ROOT/tools/bench/.cache/inception_resnet_v1.py" ] && TORCH=1
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
PEER_COMMON=(--image-size 160 --batch-size 32 --steps 1 --warmup 1 --threads "$(nproc)" --no-train --jpeg-dir "$JPEG_DIR")
jpeg_rate() { grep -o 'embed_jpeg_img_s=[0-9.]*' | cut -d= -f2; }
echo "precision $PRECISION"
if [ "$TORCH" = 1 ]; then
  echo "| round | java img/s | python-tf img/s | python-torch img/s | java/tf | java/torch |"
  echo "|---|---|---|---|---|---|"
else
  echo "| round | java img/s | python-tf img/s | java/tf |"
  echo "|---|---|---|---|"
fi
for i in $(seq 1 "$ROUNDS"); do
  J=$("$ROOT/tools/facenet-embed" "$JPEG_DIR" --model "$MODEL" --out "$OUT/java.csv" --precision "$PRECISION" 2>&1 \
      | grep -o '([0-9.]* images/s)' | grep -o '[0-9.]*' | head -1)
  T=$("$PYTHON" "$ROOT/tools/bench/peer_tf.py" "${PEER_COMMON[@]}" "${PEER_FLAG[@]}" 2>/dev/null | jpeg_rate)
  if [ "$TORCH" = 1 ]; then
    P=$("$PYTHON" "$ROOT/tools/bench/peer_torch.py" "${PEER_COMMON[@]}" "${PEER_FLAG[@]}" 2>/dev/null | jpeg_rate)
    echo "| $i | $J | $T | $P | $(awk -v j="$J" -v t="$T" 'BEGIN { printf "%.2f", j / t }') |" \
      "$(awk -v j="$J" -v p="$P" 'BEGIN { printf "%.2f", j / p }') |"
  else
    P=$T
    echo "| $i | $J | $T | $(awk -v j="$J" -v t="$T" 'BEGIN { printf "%.2f", j / t }') |"
  fi
  echo "$J $T $P" >> "$OUT/rounds.txt"
done
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median java $(cut -d' ' -f1 "$OUT/rounds.txt" | median) img/s; median python-tf $(cut -d' ' -f2 "$OUT/rounds.txt" | median) img/s;" \
  "median paired ratio java/tf $(awk '{ print $1 / $2 }' "$OUT/rounds.txt" | median) ($ROUNDS rounds)"
if [ "$TORCH" = 1 ]; then
  echo "median python-torch $(cut -d' ' -f3 "$OUT/rounds.txt" | median) img/s;" \
    "median paired ratio java/torch $(awk '{ print $1 / $3 }' "$OUT/rounds.txt" | median)"
fi

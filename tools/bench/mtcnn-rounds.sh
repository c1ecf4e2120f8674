#!/usr/bin/env bash
# MTCNN detection on one photo: facenet-java (`tools/facenet bench --detect`) against facenet's detect_face (Python
# TensorFlow) and facenet-pytorch's MTCNN (tools/bench/mtcnn_peers.py), in alternating rounds (on a shared host one
# run of each is not a comparison); each round prints each detector's median over STEPS detections. Measurement
# only; nothing of the product or of CI uses it.
#
# Usage: tools/bench/mtcnn-rounds.sh PHOTO FACENET_ALIGN_DIR FACENET_PYTORCH_PARENT [ROUNDS] [STEPS]
#   FACENET_ALIGN_DIR       davidsandberg/facenet's src/align (detect_face.py, det1-3.npy), fetched, not committed
#   FACENET_PYTORCH_PARENT  a folder holding an export of timesler/facenet-pytorch named facenet_pytorch
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PHOTO="$1"; FACENET="$2"; FPT="$3"; ROUNDS="${4:-3}"; STEPS="${5:-10}"
PYTHON="${PYTHON:-python3}"
ms() { grep -o 'detect_ms_median=[0-9.]*' | cut -d= -f2; }
echo "| round | java ms | facenet-tf ms | facenet-pytorch ms | tf/java | pytorch/java |"
echo "|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  J=$("$ROOT/tools/facenet" bench --detect "$PHOTO" --warmup 2 --steps "$STEPS" 2>/dev/null | ms)
  P=$("$PYTHON" "$ROOT/tools/bench/mtcnn_peers.py" --facenet "$FACENET" --facenet-pytorch "$FPT" --warmup 2 \
      --steps "$STEPS" "$PHOTO" 2>/dev/null)
  T=$(echo "$P" | grep 'peer=facenet-tf' | ms)
  Y=$(echo "$P" | grep 'peer=facenet-pytorch' | ms)
  printf '| %d | %s | %s | %s | %.2f | %.2f |\n' "$r" "$J" "$T" "$Y" "$(echo "$T / $J" | bc -l)" "$(echo "$Y / $J" | bc -l)"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"

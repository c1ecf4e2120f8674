#!/usr/bin/env bash
# MTCNN detection on one photo: facenet-java (`tools/facenet bench --detect`) against facenet's detect_face (Python
# TensorFlow) and facenet-pytorch's MTCNN (tools/bench/mtcnn_peers.py), in alternating rounds (on a shared host one
# run of each is not a comparison); each round prints each detector's median over STEPS detections. facenet's
# detect_face runs twice a round: with TensorFlow's defaults (on a CPU without AVX512 VNNI/BF16 or AMX, oneDNN off)
# and with TF_ENABLE_ONEDNN_OPTS=1, which `tools/facenet` sets for detect/align/bench --detect. With BEFORE_JAR (a
# facenet-java.jar of an earlier commit, with its lib/ beside it) that build is timed too, with TensorFlow's defaults.
# Measurement only; nothing of the product or of CI uses it.
#
# Usage: [BEFORE_JAR=...] tools/bench/mtcnn-rounds.sh PHOTO FACENET_ALIGN_DIR FACENET_PYTORCH_PARENT [ROUNDS] [STEPS]
#   FACENET_ALIGN_DIR       davidsandberg/facenet's src/align (detect_face.py, det1-3.npy), fetched, not committed
#   FACENET_PYTORCH_PARENT  a folder holding an export of timesler/facenet-pytorch named facenet_pytorch
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PHOTO="$1"; FACENET="$2"; FPT="$3"; ROUNDS="${4:-3}"; STEPS="${5:-10}"
PYTHON="${PYTHON:-python3}"
ms() { grep -o 'detect_ms_median=[0-9.]*' | cut -d= -f2; }
# peers ENV... -- ARGS: mtcnn_peers.py under `env ENV...`
peers() {
  local e=(); while [ "$1" != -- ]; do e+=("$1"); shift; done; shift
  env "${e[@]}" "$PYTHON" "$ROOT/tools/bench/mtcnn_peers.py" --warmup 2 --steps "$STEPS" "$@" "$PHOTO" 2>/dev/null
}
echo "| round | java ms | java before ms | facenet-tf ms | facenet-tf oneDNN ms | facenet-pytorch ms | load |"
echo "|---|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  J=$("$ROOT/tools/facenet" bench --detect "$PHOTO" --warmup 2 --steps "$STEPS" 2>/dev/null | ms)
  B=-
  if [ -n "${BEFORE_JAR:-}" ]; then
    B=$(env -u TF_ENABLE_ONEDNN_OPTS TF_CPP_MIN_LOG_LEVEL=2 java -jar "$BEFORE_JAR" bench --detect "$PHOTO" --warmup 2 \
        --steps "$STEPS" 2>/dev/null | ms)
  fi
  T=$(peers -u TF_ENABLE_ONEDNN_OPTS -- --facenet "$FACENET" | ms)
  O=$(peers TF_ENABLE_ONEDNN_OPTS=1 -- --facenet "$FACENET" | ms)
  Y=$(peers -u TF_ENABLE_ONEDNN_OPTS -- --facenet-pytorch "$FPT" | ms)
  printf '| %d | %s | %s | %s | %s | %s | %s |\n' "$r" "$J" "$B" "$T" "$O" "$Y" "$(cut -d' ' -f1 /proc/loadavg)"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"

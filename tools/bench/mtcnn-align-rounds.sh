#!/usr/bin/env bash
# `facenet align` on a folder of raw photos against facenet's align_dataset_mtcnn.py (Python TensorFlow) and a
# facenet-pytorch loop doing the same (tools/bench/mtcnn_align_peers.py), all at --image-size 160 --margin 32, in
# alternating rounds; each run is a whole command (interpreter or JVM start, model load, every photo) into a fresh
# output folder, timed by the wall clock, with the CPU time (user + sys) it used. facenet's script runs twice a round:
# with TensorFlow's defaults and with TF_ENABLE_ONEDNN_OPTS=1 (which `tools/facenet align` sets). Measurement only.
#
# Usage: [BEFORE_JAR=...] tools/bench/mtcnn-align-rounds.sh IN_DIR FACENET_SRC FACENET_PYTORCH_PARENT [ROUNDS]
#   IN_DIR                  identity folders of photos (facenet's layout)
#   FACENET_SRC             davidsandberg/facenet's src (facenet.py, align/), fetched, not committed
#   FACENET_PYTORCH_PARENT  a folder holding an export of timesler/facenet-pytorch named facenet_pytorch
#   BEFORE_JAR              optional: a facenet-java.jar of an earlier commit (lib/ beside it), TensorFlow's defaults
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
IN="$1"; FACENET="$2"; FPT="$3"; ROUNDS="${4:-3}"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
# timed NAME CMD...: runs CMD with OUT=$WORK/NAME (fresh), prints "wall_s/cpu_s" (bash's time: real, user + sys)
timed() {
  local name="$1"; shift
  rm -rf "$WORK/$name"
  local TIMEFORMAT='%R %U %S'
  { time OUT="$WORK/$name" "$@" >"$WORK/$name.log" 2>&1; } 2>"$WORK/$name.time" \
    || { echo "failed: $name" >&2; cat "$WORK/$name.log" >&2; return 1; }
  awk '{ printf "%.1f/%.1f", $1, $2 + $3 }' "$WORK/$name.time"
}
java_now() { "$ROOT/tools/facenet" align "$IN" "$OUT" --image-size 160 --margin 32; }
java_before() { env -u TF_ENABLE_ONEDNN_OPTS java -jar "$BEFORE_JAR" align "$IN" "$OUT" --image-size 160 --margin 32; }
facenet_tf() { env -u TF_ENABLE_ONEDNN_OPTS "$PYTHON" "$ROOT/tools/bench/mtcnn_align_peers.py" facenet-tf --facenet "$FACENET" "$IN" "$OUT"; }
facenet_tf_onednn() { TF_ENABLE_ONEDNN_OPTS=1 "$PYTHON" "$ROOT/tools/bench/mtcnn_align_peers.py" facenet-tf --facenet "$FACENET" "$IN" "$OUT"; }
facenet_pytorch() { "$PYTHON" "$ROOT/tools/bench/mtcnn_align_peers.py" facenet-pytorch --facenet-pytorch "$FPT" "$IN" "$OUT"; }
echo "photos: $(find "$IN" -mindepth 2 -maxdepth 2 -type f | wc -l) in $(find "$IN" -mindepth 1 -maxdepth 1 -type d | wc -l) folders"
echo "| round | java s (wall/cpu) | java before | facenet-tf | facenet-tf oneDNN | facenet-pytorch | load |"
echo "|---|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  J=$(timed java java_now)
  B=-; [ -n "${BEFORE_JAR:-}" ] && B=$(timed before java_before)
  T=$(timed tf facenet_tf)
  O=$(timed tfo facenet_tf_onednn)
  Y=$(timed pt facenet_pytorch)
  printf '| %d | %s | %s | %s | %s | %s | %s |\n' "$r" "$J" "$B" "$T" "$O" "$Y" "$(cut -d' ' -f1 /proc/loadavg)"
done
echo "aligned PNGs (last round): java $(find "$WORK/java" -name '*.png' | wc -l), facenet-tf $(find "$WORK/tf" -name '*.png' | wc -l), facenet-pytorch $(find "$WORK/pt" -name '*.png' | wc -l)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"

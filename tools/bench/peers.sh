#!/usr/bin/env bash
# Peer throughput comparison of Inception-ResNet-v1 (FaceNet), one after another on this machine:
#   1. facenet-java:   tools/facenet bench (training + embedding on random pixels, plus the matmul ceiling),
#                      and tools/facenet-embed on a folder of JPEGs (decoding included);
#   2. python-tf:      tools/bench/peer_tf.py     (TensorFlow/Keras port of davidsandberg/facenet's model);
#   3. python-torch:   tools/bench/peer_torch.py  (timesler/facenet-pytorch's InceptionResnetV1).
# Same image size, batch, timed steps and warm-up steps for all; then a markdown table with Java/peer ratios.
# Measurement only: nothing of the product or of CI uses these scripts. Run it on an otherwise idle machine.
#
# Usage: tools/bench/peers.sh [options]
#   --steps N           timed steps (default 10)
#   --warmup N          untimed steps first (default 3)
#   --batch-size N      (default 32)
#   --image-size PX     (default 160)
#   --threads N         compute threads for all three (Java/TF intra-op, torch.set_num_threads; default: nproc)
#   --jpeg-count N      images in the JPEG folder (default 640)
#   --jpeg-dir DIR      use this folder of images instead of preparing one
#   --java-model DIR    SavedModel (RUN/saved_model) for the Java JPEG line; it must take --image-size pixels
#   --no-make-java-model  without --java-model, skip the Java JPEG line instead of exporting an untrained
#                       full-size 512-D model with a 1-step tools/facenet-train run (about a minute or two)
#   --tf-jit            also run peer_tf.py with --jit-compile (XLA), as an extra row
#   --only LIST         comma-separated subset of java,tf,torch (default: all)
#   --work DIR          scratch folder: JPEGs, the Java model, logs, results.md (default /tmp/facenet-peers)
#   --facenet-pytorch DIR  folder holding facenet-pytorch's inception_resnet_v1.py (default tools/bench/.cache;
#                       if missing there and a bare mirror is given by FACENET_PYTORCH_GIT_DIR, it is extracted
#                       with git show HEAD:models/inception_resnet_v1.py)
# Environment: PYTHON (default python3), extra arguments for the peers in PEER_TF_ARGS / PEER_TORCH_ARGS.
# Needs: python3 with tensorflow_cpu 2.21, torch (CPU wheel) and Pillow; Maven/Java for tools/facenet.
# Caveats: tools/facenet-embed's clock includes its first session run (graph optimisation) while the Python peers
# warm up first: keep the JPEG folder at several hundred images. PyTorch's OpenMP threads collapse when the cores
# are busy (seen here: 2 threads 25x slower than 1 under load), so a busy machine penalises the torch row most.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH="$ROOT/tools/bench"
PYTHON="${PYTHON:-python3}"

STEPS=10 WARMUP=3 BATCH=32 SIZE=160 THREADS="$(nproc)" JPEG_COUNT=640 JPEG_DIR="" JAVA_MODEL="" MAKE_MODEL=1
TF_JIT=0 ONLY="java,tf,torch" WORK=/tmp/facenet-peers FPT_DIR="$BENCH/.cache"
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) STEPS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --batch-size) BATCH="$2"; shift 2 ;;
    --image-size) SIZE="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --jpeg-count) JPEG_COUNT="$2"; shift 2 ;;
    --jpeg-dir) JPEG_DIR="$2"; shift 2 ;;
    --java-model) JAVA_MODEL="$2"; shift 2 ;;
    --no-make-java-model) MAKE_MODEL=0; shift ;;
    --tf-jit) TF_JIT=1; shift ;;
    --only) ONLY="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --facenet-pytorch) FPT_DIR="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "peers.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
want() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
mkdir -p "$WORK/logs"
RESULTS="$WORK/results.txt"   # one 'peer=... key=value' line per row
: > "$RESULTS"
note() { echo "peers: $*" >&2; echo "note: $*" >> "$WORK/notes.txt"; }
: > "$WORK/notes.txt"

echo "peers: image ${SIZE}px, batch $BATCH, $STEPS timed + $WARMUP warm-up steps, $THREADS threads; work in $WORK" >&2
read -r LOAD1 _ < /proc/loadavg
if awk -v l="$LOAD1" 'BEGIN { exit !(l > 0.5) }'; then
  note "load average $LOAD1 at the start: the machine is not idle, figures will be low and unequal"
fi

# --- the JPEG folder, prepared once (kept in WORK between runs) --------------------------------------------
if [ -z "$JPEG_DIR" ]; then
  JPEG_DIR="$WORK/jpeg-${SIZE}px-$JPEG_COUNT"
  if [ ! -f "$JPEG_DIR/.complete" ]; then
    rm -rf "$JPEG_DIR"; mkdir -p "$JPEG_DIR"
    "$PYTHON" - "$ROOT/data/synthetic/heldout" "$JPEG_DIR" "$JPEG_COUNT" "$SIZE" <<'EOF'
# N JPEGs of side SIZE (quality 90): the held-out synthetic PNGs resized (cycled, every pass mirrored or shifted
# so that no two files are identical), or random noise where there are none.
import glob, os, sys
import numpy as np
from PIL import Image, ImageOps
src, out, n, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
pngs = sorted(glob.glob(os.path.join(src, "*", "*.png")))
rng = np.random.default_rng(1)
for i in range(n):
    if pngs:
        im = Image.open(pngs[i % len(pngs)]).convert("RGB").resize((size, size), Image.BILINEAR)
        k = i // len(pngs)
        if k % 2:
            im = ImageOps.mirror(im)
        if k >= 2:
            im = ImageOps.expand(im.crop((k, k, size - k, size - k)), border=k, fill=(0, 0, 0))
    else:
        im = Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8))
    im.save(os.path.join(out, "%05d.jpg" % i), quality=90)
print("peers: %d JPEGs of %dpx in %s (%s)" % (n, size, out, "from " + src if pngs else "random noise"),
      file=sys.stderr)
EOF
    touch "$JPEG_DIR/.complete"
  fi
fi
NJPEG=$(find "$JPEG_DIR" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) | wc -l)
echo "peers: JPEG folder $JPEG_DIR ($NJPEG images)" >&2

# --- 1. facenet-java ---------------------------------------------------------------------------------------
if want java; then
  echo "peers: [java] tools/facenet bench ..." >&2
  if ! "$ROOT/tools/facenet" bench --backbone inception-resnet-v1 --image-size "$SIZE" --batch-size "$BATCH" \
      --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --matmul > "$WORK/logs/java-bench.txt" 2>&1; then
    note "tools/facenet bench failed (logs/java-bench.txt: $(grep -m1 -E 'Exception|error' "$WORK/logs/java-bench.txt" || true))"
  fi
  grep -v -E '^(I0000|WARNING: All log)' "$WORK/logs/java-bench.txt" >&2 || true
  # | backbone | image | batch | params | GFLOP/img (fwd) | train img/s | train GFLOP/s | embed img/s |
  JROW=$(grep -m1 '^| inception-resnet-v1 |' "$WORK/logs/java-bench.txt" || true)
  if [ -z "$JROW" ]; then
    note "no result row in the Java bench output (logs/java-bench.txt)"; JTRAIN="" JEMBED="" JPARAMS=""
  else
    JPARAMS=$(echo "$JROW" | awk -F'|' '{gsub(/[ ,]/, "", $5); print $5}')
    JTRAIN=$(echo "$JROW" | awk -F'|' '{gsub(/ /, "", $7); print $7}')
    JEMBED=$(echo "$JROW" | awk -F'|' '{gsub(/ /, "", $9); print $9}')
  fi
  JLINE="peer=java train_img_s=$JTRAIN embed_img_s=$JEMBED params=$JPARAMS"

  # the Java JPEG line needs a SavedModel of SIZE px
  if [ -z "$JAVA_MODEL" ] && [ "$MAKE_MODEL" = 1 ]; then
    JAVA_MODEL="$WORK/java-model/irv1-${SIZE}px-512/saved_model"
    if [ ! -f "$JAVA_MODEL/saved_model.pb" ]; then
      echo "peers: [java] exporting an untrained full-size ${SIZE}px 512-D model (1 training step) ..." >&2
      rm -rf "$WORK/java-model/irv1-${SIZE}px-512"
      "$ROOT/tools/facenet-train" --data "$ROOT/data/synthetic/train" --backbone inception-resnet-v1 \
        --image-size "$SIZE" --embedding-size 512 --width 1 --depth 1 --batch-size 8 --max-epochs 1 \
        --epoch-size 1 --checkpoint-every 1 --models-dir "$WORK/java-model" --run-name "irv1-${SIZE}px-512" \
        > "$WORK/logs/java-make-model.txt" 2>&1 || note "making the Java model failed (logs/java-make-model.txt)"
    fi
  fi
  if [ -n "$JAVA_MODEL" ] && [ -f "$JAVA_MODEL/saved_model.pb" ]; then
    MSIZE=$(grep -o '"image_size": *[0-9]*' "$JAVA_MODEL/facenet-metadata.json" 2>/dev/null | grep -o '[0-9]*$' || true)
    if [ -n "$MSIZE" ] && [ "$MSIZE" != "$SIZE" ]; then
      note "Java JPEG line skipped: $JAVA_MODEL takes ${MSIZE}px, not ${SIZE}px"
    else
      echo "peers: [java] tools/facenet-embed $JPEG_DIR --model $JAVA_MODEL ..." >&2
      if "$ROOT/tools/facenet-embed" "$JPEG_DIR" --model "$JAVA_MODEL" --out "$WORK/java-embed.csv" \
          > "$WORK/logs/java-embed.txt" 2>&1; then
        cat "$WORK/logs/java-embed.txt" >&2
        JJPEG=$(grep -o '([0-9.]* images/s)' "$WORK/logs/java-embed.txt" | grep -o '[0-9.]*' | head -1)
        [ -n "$JJPEG" ] && JLINE="$JLINE embed_jpeg_img_s=$JJPEG"
      else
        note "tools/facenet-embed failed (logs/java-embed.txt)"
      fi
    fi
  else
    note "Java JPEG line skipped: no ${SIZE}px SavedModel (pass --java-model DIR, or drop --no-make-java-model)"
  fi
  echo "$JLINE" | tee -a "$RESULTS" >&2
fi

# --- 2. python-tf -------------------------------------------------------------------------------------------
COMMON=(--image-size "$SIZE" --batch-size "$BATCH" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS"
  --jpeg-dir "$JPEG_DIR")
run_peer() {  # name log command...
  local name="$1" log="$2"; shift 2
  echo "peers: [$name] $*" >&2
  if "$@" > "$log" 2> "${log%.txt}.err"; then
    grep '^#' "${log%.txt}.err" >&2 || true
    grep -m1 '^peer=' "$log" | tee -a "$RESULTS" >&2
  else
    note "$name failed (see ${log%.txt}.err)"; tail -5 "${log%.txt}.err" >&2
  fi
}
if want tf; then
  # shellcheck disable=SC2086
  run_peer python-tf "$WORK/logs/tf.txt" "$PYTHON" "$BENCH/peer_tf.py" "${COMMON[@]}" ${PEER_TF_ARGS:-}
  if [ "$TF_JIT" = 1 ]; then
    # shellcheck disable=SC2086
    run_peer python-tf-xla "$WORK/logs/tf-xla.txt" "$PYTHON" "$BENCH/peer_tf.py" "${COMMON[@]}" --jit-compile \
      ${PEER_TF_ARGS:-}
    sed -i '$ s/^peer=python-tf /peer=python-tf-xla /' "$RESULTS"
  fi
fi

# --- 3. python-torch ----------------------------------------------------------------------------------------
if want torch; then
  if [ ! -f "$FPT_DIR/inception_resnet_v1.py" ] && [ -n "${FACENET_PYTORCH_GIT_DIR:-}" ]; then
    mkdir -p "$FPT_DIR"
    git --git-dir="$FACENET_PYTORCH_GIT_DIR" show HEAD:models/inception_resnet_v1.py > "$FPT_DIR/inception_resnet_v1.py"
  fi
  if [ -f "$FPT_DIR/inception_resnet_v1.py" ]; then
    # shellcheck disable=SC2086
    run_peer python-torch "$WORK/logs/torch.txt" "$PYTHON" "$BENCH/peer_torch.py" "${COMMON[@]}" \
      --facenet-pytorch "$FPT_DIR" ${PEER_TORCH_ARGS:-}
  else
    note "python-torch skipped: no $FPT_DIR/inception_resnet_v1.py (see peer_torch.py's docstring)"
  fi
fi

# --- the table ----------------------------------------------------------------------------------------------
"$PYTHON" - "$RESULTS" "$WORK/notes.txt" "$SIZE" "$BATCH" "$STEPS" "$WARMUP" "$THREADS" "$NJPEG" \
    <<'EOF' | tee "$WORK/results.md"
import sys
results, notes, size, batch, steps, warmup, threads, njpeg = sys.argv[1:]
rows = []
for line in open(results):
    kv = dict(f.split("=", 1) for f in line.split() if "=" in f)
    rows.append(kv)
def num(kv, k):
    try:
        return float(kv.get(k, ""))
    except ValueError:
        return None
java = next((r for r in rows if r.get("peer") == "java"), None)
keys = ["train_img_s", "embed_img_s", "embed_jpeg_img_s"]
print()
print("Inception-ResNet-v1, %spx, batch %s, %s timed steps after %s warm-up, %s threads, JPEG folder of %s images"
      % (size, batch, steps, warmup, threads, njpeg))
print()
print("| peer | params | train img/s | embed img/s | embed-from-JPEG img/s | Java/peer train | Java/peer embed "
      "| Java/peer JPEG |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    cells = [r.get("peer", "?"), "{:,}".format(int(r["params"])) if r.get("params", "").isdigit() else "-"]
    for k in keys:
        v = num(r, k)
        cells.append("%.1f" % v if v is not None else "-")
    for k in keys:
        v, j = num(r, k), num(java, k) if java else None
        cells.append("%.2f" % (j / v) if v and j else "-")
    print("| " + " | ".join(cells) + " |")
print()
for line in open(notes):
    print("- " + line.strip())
print("- ratios > 1: Java faster. Raw lines: %s; logs beside it." % results)
EOF

#!/usr/bin/env bash
# Peer throughput comparison of Inception-ResNet-v1 (FaceNet), one after another on this machine:
#   1. facenet-java:   tools/facenet bench (training + embedding on random pixels, plus the matmul ceiling),
#                      and tools/facenet-embed on a folder of JPEGs (decoding included);
#   2. python-tf:      tools/bench/peer_tf.py     (TensorFlow/Keras port of davidsandberg/facenet's model);
#   3. python-torch:   tools/bench/peer_torch.py  (timesler/facenet-pytorch's InceptionResnetV1; at another width,
#                      depth or embedding size, tools/bench/peer_torch_model.py's scaled copy of facenet-java's).
# Same image size, model size, batch, timed steps and warm-up steps for all; then a markdown table with Java/peer
# ratios. The training step is softmax over 100 classes with Adam for all (tools/facenet bench's default loss).
# Measurement only: nothing of the product or of CI uses these scripts. Run it on an otherwise idle machine.
#
# Usage: tools/bench/peers.sh [options]
#   e.g. the synthetic preset's model, training only, 5 alternating rounds:
#        tools/bench/peers.sh --synthetic-preset --only java,torch --no-jpeg --rounds 5 --threads 2
#   --steps N           timed steps (default 10)
#   --warmup N          untimed steps first (default 3)
#   --batch-size N      (default 32)
#   --image-size PX     (default 160)
#   --width F           channel multiplier (default 1), for the Java bench (--width) and peer_torch.py (--width:
#                       its own scaled model, tools/bench/peer_torch_model.py, when not 1); peer_tf.py has no width
#                       or depth, so its row is skipped unless both are 1
#   --depth F           repeat multiplier of the repeated blocks (default 1), as --width
#   --embedding-size D  bottleneck width (default 512), for all three
#   --synthetic-preset  the synthetic (quick) preset's model size and batch: 96 px, width 0.5, depth 0.2, 128-D,
#                       batch 64, for whichever of these options is not given
#   --rounds N          run the peers N times, alternating java, tf, torch in each round (default 1), and report
#                       each peer's median over the rounds and the median of the rounds' Java/peer ratios; the JPEG
#                       lines are measured in round 1 only (the machine's speed drifts: alternate)
#   --no-jpeg           skip the JPEG lines (no folder, no Java model export): training and embedding only
#   --threads N         compute threads for all three (Java/TF intra-op, torch.set_num_threads; default: nproc)
#   --jpeg-count N      images in the JPEG folder (default 640)
#   --jpeg-dir DIR      use this folder of images instead of preparing one
#   --java-model DIR    SavedModel (RUN/saved_model) for the Java JPEG line; it must take --image-size pixels
#   --no-make-java-model  without --java-model, skip the Java JPEG line instead of exporting an untrained
#                       model of this size (--image-size, --width, --depth, --embedding-size) with a 1-step
#                       tools/facenet-train run (about a minute or two at full size)
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

STEPS=10 WARMUP=3 BATCH="" SIZE="" THREADS="$(nproc)" JPEG_COUNT=640 JPEG_DIR="" JAVA_MODEL="" MAKE_MODEL=1
TF_JIT=0 ONLY="java,tf,torch" WORK=/tmp/facenet-peers FPT_DIR="$BENCH/.cache" WIDTH="" DEPTH="" EMB="" PRESET=0
ROUNDS=1 JPEG=1
while [ $# -gt 0 ]; do
  case "$1" in
    --steps) STEPS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --batch-size) BATCH="$2"; shift 2 ;;
    --image-size) SIZE="$2"; shift 2 ;;
    --width) WIDTH="$2"; shift 2 ;;
    --depth) DEPTH="$2"; shift 2 ;;
    --embedding-size) EMB="$2"; shift 2 ;;
    --synthetic-preset) PRESET=1; shift ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --no-jpeg) JPEG=0; shift ;;
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
if [ "$PRESET" = 1 ]; then
  : "${SIZE:=96}" "${WIDTH:=0.5}" "${DEPTH:=0.2}" "${EMB:=128}" "${BATCH:=64}"
fi
: "${SIZE:=160}" "${WIDTH:=1}" "${DEPTH:=1}" "${EMB:=512}" "${BATCH:=32}"
case "$ROUNDS" in ''|*[!0-9]*|0) echo "peers.sh: --rounds needs a positive integer" >&2; exit 2 ;; esac
# published width and depth: peer_tf.py can run it; and with 512-D, peer_torch.py runs facenet-pytorch's own file
FULL_WD=$(awk -v w="$WIDTH" -v d="$DEPTH" 'BEGIN { print (w == 1 && d == 1) ? 1 : 0 }')
MODEL_DESC="width $WIDTH, depth $DEPTH, ${EMB}-D"
want() { case ",$ONLY," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
mkdir -p "$WORK/logs"
RESULTS="$WORK/results.txt"   # one 'peer=... key=value' line per row
: > "$RESULTS"
note() { echo "peers: $*" >&2; echo "note: $*" >> "$WORK/notes.txt"; }
: > "$WORK/notes.txt"

echo "peers: image ${SIZE}px, $MODEL_DESC, batch $BATCH, $STEPS timed + $WARMUP warm-up steps, $THREADS threads," \
  "$ROUNDS round(s); work in $WORK" >&2
read -r LOAD1 _ < /proc/loadavg
if awk -v l="$LOAD1" 'BEGIN { exit !(l > 0.5) }'; then
  note "load average $LOAD1 at the start: the machine is not idle, figures will be low and unequal"
fi

# --- the JPEG folder, prepared once (kept in WORK between runs) --------------------------------------------
if [ "$JPEG" = 1 ] && [ -z "$JPEG_DIR" ]; then
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
if [ "$JPEG" = 1 ]; then
  NJPEG=$(find "$JPEG_DIR" -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) | wc -l)
  echo "peers: JPEG folder $JPEG_DIR ($NJPEG images)" >&2
else
  NJPEG=0
fi

# Each round runs java, tf, torch in turn; the JPEG lines (and the Java model export) only in round 1.
# Logs: logs/NAME.txt with one round, logs/NAME-rK.txt with several.
MODEL_ARGS=(--width "$WIDTH" --depth "$DEPTH" --embedding-size "$EMB")

# --- 1. facenet-java ---------------------------------------------------------------------------------------
run_java() {  # round suffix jpeg(0|1)
  local round="$1" suf="$2" jpeg="$3" log="$WORK/logs/java-bench$2.txt"
  echo "peers: [java] tools/facenet bench (round $round) ..." >&2
  if ! "$ROOT/tools/facenet" bench --backbone inception-resnet-v1 --image-size "$SIZE" "${MODEL_ARGS[@]}" \
      --batch-size "$BATCH" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS" --matmul > "$log" 2>&1; then
    note "tools/facenet bench failed (logs/$(basename "$log"): $(grep -m1 -E 'Exception|error' "$log" || true))"
  fi
  grep -v -E '^(I0000|WARNING: All log)' "$log" >&2 || true
  # | backbone | image | batch | params | GFLOP/img (fwd) | train img/s | train GFLOP/s | embed img/s |
  local jrow jtrain="" jembed="" jparams=""
  jrow=$(grep -m1 '^| inception-resnet-v1 |' "$log" || true)
  if [ -z "$jrow" ]; then
    note "no result row in the Java bench output (logs/$(basename "$log"))"
  else
    jparams=$(echo "$jrow" | awk -F'|' '{gsub(/[ ,]/, "", $5); print $5}')
    jtrain=$(echo "$jrow" | awk -F'|' '{gsub(/ /, "", $7); print $7}')
    jembed=$(echo "$jrow" | awk -F'|' '{gsub(/ /, "", $9); print $9}')
  fi
  local jline="peer=java train_img_s=$jtrain embed_img_s=$jembed params=$jparams"

  if [ "$jpeg" = 1 ]; then
    # the Java JPEG line needs a SavedModel of SIZE px (and of this width, depth and embedding size)
    if [ -z "$JAVA_MODEL" ] && [ "$MAKE_MODEL" = 1 ]; then
      local name="irv1-${SIZE}px-$EMB"
      [ "$FULL_WD" = 1 ] || name="$name-w$WIDTH-d$DEPTH"
      JAVA_MODEL="$WORK/java-model/$name/saved_model"
      if [ ! -f "$JAVA_MODEL/saved_model.pb" ]; then
        echo "peers: [java] exporting an untrained ${SIZE}px $MODEL_DESC model (1 training step) ..." >&2
        rm -rf "$WORK/java-model/$name"
        "$ROOT/tools/facenet-train" --data "$ROOT/data/synthetic/train" --backbone inception-resnet-v1 \
          --image-size "$SIZE" "${MODEL_ARGS[@]}" --batch-size 8 --max-epochs 1 \
          --epoch-size 1 --checkpoint-every 1 --models-dir "$WORK/java-model" --run-name "$name" \
          > "$WORK/logs/java-make-model.txt" 2>&1 || note "making the Java model failed (logs/java-make-model.txt)"
      fi
    fi
    if [ -n "$JAVA_MODEL" ] && [ -f "$JAVA_MODEL/saved_model.pb" ]; then
      local msize
      msize=$(grep -o '"image_size": *[0-9]*' "$JAVA_MODEL/facenet-metadata.json" 2>/dev/null \
        | grep -o '[0-9]*$' || true)
      if [ -n "$msize" ] && [ "$msize" != "$SIZE" ]; then
        note "Java JPEG line skipped: $JAVA_MODEL takes ${msize}px, not ${SIZE}px"
      else
        echo "peers: [java] tools/facenet-embed $JPEG_DIR --model $JAVA_MODEL ..." >&2
        if "$ROOT/tools/facenet-embed" "$JPEG_DIR" --model "$JAVA_MODEL" --out "$WORK/java-embed.csv" \
            > "$WORK/logs/java-embed.txt" 2>&1; then
          cat "$WORK/logs/java-embed.txt" >&2
          local jjpeg
          jjpeg=$(grep -o '([0-9.]* images/s)' "$WORK/logs/java-embed.txt" | grep -o '[0-9.]*' | head -1)
          [ -n "$jjpeg" ] && jline="$jline embed_jpeg_img_s=$jjpeg"
        else
          note "tools/facenet-embed failed (logs/java-embed.txt)"
        fi
      fi
    else
      note "Java JPEG line skipped: no ${SIZE}px SavedModel (pass --java-model DIR, or drop --no-make-java-model)"
    fi
  fi
  echo "$jline round=$round" | tee -a "$RESULTS" >&2
}

# --- 2. python-tf, 3. python-torch ------------------------------------------------------------------------
COMMON=(--image-size "$SIZE" --batch-size "$BATCH" --steps "$STEPS" --warmup "$WARMUP" --threads "$THREADS")
run_peer() {  # name round log command...
  local name="$1" round="$2" log="$3"; shift 3
  echo "peers: [$name] (round $round) $*" >&2
  if "$@" > "$log" 2> "${log%.txt}.err"; then
    grep '^#' "${log%.txt}.err" >&2 || true
    echo "$(grep -m1 '^peer=' "$log") round=$round" | tee -a "$RESULTS" >&2
  else
    note "$name failed (see ${log%.txt}.err)"; tail -5 "${log%.txt}.err" >&2
  fi
}
run_tf() {  # round suffix jpeg(0|1)
  local jp=()
  [ "$3" = 1 ] && jp=(--jpeg-dir "$JPEG_DIR")
  # shellcheck disable=SC2086
  run_peer python-tf "$1" "$WORK/logs/tf$2.txt" "$PYTHON" "$BENCH/peer_tf.py" "${COMMON[@]}" "${jp[@]}" \
    --embedding-size "$EMB" ${PEER_TF_ARGS:-}
  if [ "$TF_JIT" = 1 ]; then
    # shellcheck disable=SC2086
    run_peer python-tf-xla "$1" "$WORK/logs/tf-xla$2.txt" "$PYTHON" "$BENCH/peer_tf.py" "${COMMON[@]}" "${jp[@]}" \
      --embedding-size "$EMB" --jit-compile ${PEER_TF_ARGS:-}
    sed -i '$ s/^peer=python-tf /peer=python-tf-xla /' "$RESULTS"
  fi
}
run_torch() {  # round suffix jpeg(0|1)
  local jp=()
  [ "$3" = 1 ] && jp=(--jpeg-dir "$JPEG_DIR")
  # shellcheck disable=SC2086
  run_peer python-torch "$1" "$WORK/logs/torch$2.txt" "$PYTHON" "$BENCH/peer_torch.py" "${COMMON[@]}" "${jp[@]}" \
    "${MODEL_ARGS[@]}" --facenet-pytorch "$FPT_DIR" ${PEER_TORCH_ARGS:-}
}

TF_OK=1
if want tf && [ "$FULL_WD" != 1 ]; then
  TF_OK=0; note "python-tf skipped: peer_tf.py builds the published width and depth only (asked: $MODEL_DESC)"
fi
TORCH_OK=1
# facenet-pytorch's file is needed only for its own model: width 1, depth 1, 512-D (peer_torch.py's default path)
if want torch && [ "$FULL_WD" = 1 ] && [ "$EMB" = 512 ] && [ ! -f "$FPT_DIR/inception_resnet_v1.py" ]; then
  if [ -n "${FACENET_PYTORCH_GIT_DIR:-}" ]; then
    mkdir -p "$FPT_DIR"
    git --git-dir="$FACENET_PYTORCH_GIT_DIR" show HEAD:models/inception_resnet_v1.py > "$FPT_DIR/inception_resnet_v1.py"
  else
    TORCH_OK=0; note "python-torch skipped: no $FPT_DIR/inception_resnet_v1.py (see peer_torch.py's docstring)"
  fi
fi
for ((r = 1; r <= ROUNDS; r++)); do
  suf=""; [ "$ROUNDS" -gt 1 ] && suf="-r$r"
  jpeg=0; [ "$r" = 1 ] && jpeg="$JPEG"
  if want java; then run_java "$r" "$suf" "$jpeg"; fi
  if want tf && [ "$TF_OK" = 1 ]; then run_tf "$r" "$suf" "$jpeg"; fi
  if want torch && [ "$TORCH_OK" = 1 ]; then run_torch "$r" "$suf" "$jpeg"; fi
done

# --- the table ----------------------------------------------------------------------------------------------
"$PYTHON" - "$RESULTS" "$WORK/notes.txt" "$SIZE" "$BATCH" "$STEPS" "$WARMUP" "$THREADS" "$NJPEG" "$MODEL_DESC" \
    "$ROUNDS" <<'EOF' | tee "$WORK/results.md"
import statistics
import sys
results, notes, size, batch, steps, warmup, threads, njpeg, model, rounds = sys.argv[1:]
rows = []
with open(results, encoding="utf-8") as f:
    for line in f:
        rows.append(dict(x.split("=", 1) for x in line.split() if "=" in x))
def num(kv, k):
    try:
        return float(kv.get(k, ""))
    except (ValueError, AttributeError):
        return None
keys = ["train_img_s", "embed_img_s", "embed_jpeg_img_s"]
peers = list(dict.fromkeys(r.get("peer", "?") for r in rows))
by_peer = {p: [r for r in rows if r.get("peer", "?") == p] for p in peers}
def median(p, k):
    v = [x for x in (num(r, k) for r in by_peer.get(p, [])) if x is not None]
    return statistics.median(v) if v else None
def ratio_median(p, k):
    """Median over the rounds of Java's figure / the peer's in the same round."""
    java = {r.get("round"): num(r, k) for r in by_peer.get("java", [])}
    v = [java[r.get("round")] / num(r, k) for r in by_peer.get(p, [])
         if num(r, k) and java.get(r.get("round"))]
    return statistics.median(v) if v else None
print()
print("Inception-ResNet-v1, %spx, %s, batch %s, softmax (100 classes), Adam, %s timed steps after %s warm-up, "
      "%s threads, %s round(s)%s" % (size, model, batch, steps, warmup, threads, rounds,
                                     ", JPEG folder of %s images (round 1)" % njpeg if njpeg != "0" else ""))
print()
median_of = "median " if rounds != "1" else ""
print("| peer | params | %strain img/s | %sembed img/s | embed-from-JPEG img/s | Java/peer train | Java/peer embed "
      "| Java/peer JPEG |" % (median_of, median_of))
print("|---|---|---|---|---|---|---|---|")
for p in peers:
    params = by_peer[p][0].get("params", "")
    cells = [p, "{:,}".format(int(params)) if params.isdigit() else "-"]
    for k in keys:
        v = median(p, k)
        cells.append("%.1f" % v if v is not None else "-")
    for k in keys:
        v = ratio_median(p, k)
        cells.append("%.2f" % v if v is not None else "-")
    print("| " + " | ".join(cells) + " |")
if rounds != "1":
    print()
    print("Training img/s by round (ratios above: the median of the rounds' Java/peer ratios):")
    print()
    for p in peers:
        print("- %s: %s" % (p, ", ".join("%s" % r.get("train_img_s", "-") for r in by_peer[p])))
print()
with open(notes, encoding="utf-8") as f:
    for line in f:
        print("- " + line.strip())
print("- params: Java's bench row counts the 100-class softmax logits too (E x 100 + 100); the peers' exclude them, "
      "and python-torch's include its batch norms' gammas (see peer_torch.py's params_without_bn_gamma).")
print("- ratios > 1: Java faster. Raw lines: %s; logs beside it." % results)
EOF

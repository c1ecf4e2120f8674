#!/usr/bin/env bash
# Peak memory of facenet-embed on many tiny images (docs/benchmarks.md, "facenet-embed memory"): generates N random
# 24 x 24 PNGs (1000 identities) and a tiny exported 512-D model once under WORK, then runs facenet-embed under
# /usr/bin/time -v and prints the peak RSS and, with a GC log, the largest heap after a collection. Measurement only.
#
# Usage: tools/bench/embed-memory.sh [N] [WORK] [JAVA_OPTS]
#   N          images (default 100000), WORK (default /tmp/facenet-embed-memory), JAVA_OPTS e.g. -Xmx128m
# Environment: FACENET_JAR (default: tools/facenet builds target/), PYTHON (default python3, with pillow).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
N="${1:-100000}"
WORK="${2:-/tmp/facenet-embed-memory}"
OPTS="${3:-}"
PYTHON="${PYTHON:-python3}"
IMAGES="$WORK/images-$N"
mkdir -p "$WORK"
if [ ! -d "$IMAGES" ]; then
  "$PYTHON" - "$IMAGES" "$N" <<'PY'
import os, sys
from PIL import Image
root, n = sys.argv[1], int(sys.argv[2])
tmp = root + ".partial"
for k in range(n):
    d = os.path.join(tmp, "p%04d" % (k % 1000))
    os.makedirs(d, exist_ok=True)
    Image.frombytes("RGB", (24, 24), os.urandom(24 * 24 * 3)).save(os.path.join(d, "%04d.png" % (k // 1000 + 1)))
os.rename(tmp, root)
PY
fi
MODEL="$WORK/models/tiny/saved_model"
if [ ! -d "$MODEL" ]; then
  "$ROOT/tools/facenet" synth "$WORK/synth" --identities 8 --images-per-identity 4 --held-out-identities 4 \
    --held-out-images 3 --image-size 32 --folds 2 --pairs-per-fold 2 >/dev/null
  "$ROOT/tools/facenet-train" --data "$WORK/synth/train" --backbone resnet18 --image-size 32 --embedding-size 512 \
    --width 0.125 --depth 0.1 --max-epochs 1 --epoch-size 2 --batch-size 8 --models-dir "$WORK/models" \
    --run-name tiny --eval-every 0 >/dev/null
fi
OUT="$WORK/embeddings.csv"
FACENET_JAVA_OPTS="$OPTS -Xlog:gc:file=$WORK/gc.log" /usr/bin/time -v "$ROOT/tools/facenet-embed" "$IMAGES" \
  --model "$MODEL" --out "$OUT" 2> "$WORK/time.txt" | tail -1 || echo "facenet-embed failed: $(grep -m1 -i 'error' "$WORK/time.txt")"
grep -E "Maximum resident|Elapsed" "$WORK/time.txt"
echo "largest heap after a collection: $(grep -o -- '->[0-9]*M' "$WORK/gc.log" | tr -d -- '->M' | sort -n | tail -1) MB"
rm -f "$OUT"

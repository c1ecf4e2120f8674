#!/usr/bin/env bash
# alternating --replicas 1 / 2 rounds on the tiny Inception-ResNet-v1, 75 px, batch 16, 24 steps
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# usage: tools/bench/replicas.sh DIR, DIR/data holding a folder of images a class; runs go to a new DIR/bench.XXXX
cd "${1:?usage: replicas.sh DIR (holding data/, a folder of images a class)}"
models=$(mktemp -d "$PWD/bench.XXXX")
for round in 1 2 3; do
  for n in 1 2; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    line=$("$TOOLS/facenet-train" --data data --models-dir "$models" --run-name r$n-$round --image-size 75 \
      --width 0.125 --depth 0.2 --embedding-size 16 --batch-size 16 --epoch-size 24 --max-epochs 1 --checkpoint-every 1000 \
      --input-threads 1 --no-export --replicas $n 2>/dev/null | grep "^trained steps")
    echo "round $round replicas $n load $load: $line"
  done
done

"""Check a facenet-java TF Serving export's embed_image_bytes signature against facenet-embed's CSV.

    tools/facenet-embed IMAGES_DIR --model SERVING_BASE/NAME/1 --out embeddings.csv
    python tools/serving_bytes_check.py SERVING_BASE/NAME/1 embeddings.csv IMAGES_DIR

Loads the SavedModel with Python TensorFlow's tf.saved_model.load, sends every JPEG/PNG file's bytes (one batch) to
the embed_image_bytes signature, which decodes and resizes them inside the graph, and compares each embedding with
facenet-embed's row for the same file (Java: TensorFlowImageDecoder, then serving_default). Prints the largest
difference; exits 1 above 1e-5. Not run by CI; the project itself never depends on Python.
"""
import csv
import os
import sys

import numpy as np
import tensorflow as tf


def main(model_dir, csv_path, images_dir):
    rows = {}
    with open(csv_path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        first = header.index("e0")
        for row in reader:
            rows[os.path.realpath(row[0])] = np.array([float(v) for v in row[first:]], dtype=np.float32)
    files = sorted(os.path.join(r, n) for r, _, names in os.walk(images_dir) for n in names
                   if n.lower().endswith((".jpg", ".jpeg", ".png")))
    fn = tf.saved_model.load(model_dir).signatures["embed_image_bytes"]
    contents = [tf.io.read_file(f).numpy() for f in files]
    got = fn(image_bytes=tf.constant(contents))["embeddings"].numpy()
    worst = 0.0
    for f, e in zip(files, got):
        ref = rows.get(os.path.realpath(f))
        if ref is None:
            sys.exit(f"{f}: not in {csv_path}")
        diff = float(np.max(np.abs(ref - e)))
        worst = max(worst, diff)
        print(f"{f}: max |diff| {diff:.3g}, norm {np.linalg.norm(e):.6f}")
    print(f"{len(files)} files, embed_image_bytes (Python TF {tf.__version__}) vs facenet-embed: max |diff| {worst:.3g}")
    if worst > 1e-5:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: serving_bytes_check.py SAVED_MODEL EMBEDDINGS_CSV IMAGES_DIR")
    main(*sys.argv[1:])

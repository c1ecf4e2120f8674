"""Convert a facenet-java SavedModel to TF-Lite and check the converted model against the SavedModel.

    pip install tensorflow-cpu            # TF 2.21 carries tf.lite (converter and interpreter)
    python tools/to_tflite.py models/<run>/saved_model model.tflite
    python tools/to_tflite.py SAVED_MODEL model-int8.tflite --quantize int8 --representative-data data/synthetic/train \
        --pairs data/synthetic/pairs.txt --pairs-dir data/synthetic/heldout

The conversion is TF-Lite's own, unchanged: TFLiteConverter.from_saved_model(dir).convert() with builtin ops only
(the default; no Select TF ops), which converts the serving_default signature. It then runs the interpreter and the
SavedModel on the same images (--images DIR, else the representative data, else random pixels) and prints the
largest difference of the embeddings; an unquantised model must agree to 1e-5 or the script exits 1.
--quantize float16 stores float16 weights; --quantize int8 quantises weights and activations with the
representative images (float input and output kept). With --pairs (an LFW-format pairs file), it reports the
held-out verification figures (accuracy and VAL@FAR=1e-3, facenet's 10-fold protocol on squared L2 distances) of the
SavedModel and of the converted model, so the cost of quantising is measured, not guessed.

Images are decoded as facenet-embed does: the centre square (rounded down when the excess is odd), resized with the
antialiased bilinear filter. Not run by CI; the project itself never depends on Python.
"""
import argparse
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf

EXTENSIONS = (".jpg", ".jpeg", ".png")


def load_image(path, size):
    image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
    h, w = int(image.shape[0]), int(image.shape[1])
    side = min(h, w)
    image = tf.image.crop_to_bounding_box(image, (h - side) // 2, (w - side) // 2, side, side)
    return tf.image.resize(tf.cast(image, tf.float32), (size, size), antialias=True).numpy()


def image_files(directory, limit=None):
    files = []
    for root, _, names in sorted(os.walk(directory)):
        files += [os.path.join(root, n) for n in sorted(names) if n.lower().endswith(EXTENSIONS)]
    if limit is not None and len(files) > limit:
        files = [files[i] for i in np.linspace(0, len(files) - 1, limit).astype(int)]
    return files


def convert(saved_model, quantize, representative, size, signatures):
    if signatures == ["serving_default"]:
        # The default export: TF-Lite's own call, unchanged.
        converter = tf.lite.TFLiteConverter.from_saved_model(saved_model)
    else:
        # A TF Serving export also carries embed_image_bytes, whose decoding ops TF-Lite has no builtin for, and
        # from_saved_model converts every signature unless told which.
        print(f"signatures {signatures}: converting serving_default only")
        converter = tf.lite.TFLiteConverter.from_saved_model(saved_model, signature_keys=["serving_default"])
    if quantize == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif quantize == "int8":
        if not representative:
            sys.exit("--quantize int8 needs --representative-data DIR")
        files = image_files(representative, limit=100)
        if not files:
            sys.exit(f"{representative}: no images")

        def dataset():
            for f in files:
                yield [load_image(f, size)[np.newaxis]]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = dataset
    return converter.convert()


class SavedModelEmbedder:
    def __init__(self, path):
        signatures = tf.saved_model.load(path).signatures
        self.keys = sorted(signatures.keys())
        self.fn = signatures["serving_default"]
        self.size = int(self.fn.structured_input_signature[1]["images"].shape[1])

    def __call__(self, images):
        return self.fn(images=tf.constant(images, tf.float32))["embeddings"].numpy()


class LiteEmbedder:
    def __init__(self, model_content):
        self.interpreter = tf.lite.Interpreter(model_content=model_content)
        self.runner = self.interpreter.get_signature_runner("serving_default")

    def __call__(self, images):
        return np.concatenate([self.runner(images=im[np.newaxis].astype(np.float32))["embeddings"] for im in images])


def read_pairs(path, directory):
    pairs = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()[1:]
    for line in lines:
        p = line.split()
        if len(p) == 3:
            a, b, same = (p[0], int(p[1])), (p[0], int(p[2])), True
        elif len(p) == 4:
            a, b, same = (p[0], int(p[1])), (p[2], int(p[3])), False
        else:
            continue
        paths = []
        for name, i in (a, b):
            # LFW's DIR/name/name_0001.jpg or this project's DIR/name/0001.png (as PairsFile resolves them)
            stems = [os.path.join(directory, name, f"{name}_{i:04d}"), os.path.join(directory, name, f"{i:04d}")]
            found = [st + e for st in stems for e in (".jpg", ".png", ".jpeg") if os.path.exists(st + e)]
            paths.append(found[0] if found else None)
        if None not in paths:
            pairs.append((paths[0], paths[1], same))
    return pairs


def verification(dist, same, folds=10, far_target=1e-3):
    """facenet's protocol as facenet-verify computes it (eval/Verification): 10 folds in order; accuracy at the
    threshold (grid 0..4 step 0.01) best on the other nine; VAL at the threshold (grid step 0.001) where the other
    nine's false accept rate reaches far_target, interpolated right-continuously as facenet's scipy did."""
    acc_grid = np.arange(0, 4, 0.01)
    val_grid = np.arange(4000) * 0.001
    idx = np.array_split(np.arange(len(dist)), folds)
    accs, vals = [], []
    for k in range(folds):
        test = idx[k]
        train = np.concatenate([idx[j] for j in range(folds) if j != k])
        acc_train = [np.mean((dist[train] < t) == same[train]) for t in acc_grid]
        t = acc_grid[int(np.argmax(acc_train))]
        accs.append(np.mean((dist[test] < t) == same[test]))
        negatives = np.sort(dist[train][~same[train]])
        fars = np.searchsorted(negatives, val_grid, side="left") / len(negatives)
        if fars.max() >= far_target:
            # each run of equal far values as (far, first threshold), (far, last threshold): np.interp then
            # interpolates from a run's last threshold to the next run's first, and gives the last at a run's value
            values, first, counts = np.unique(fars, return_index=True, return_counts=True)
            xp = np.repeat(values, 2)
            fp = np.ravel(np.column_stack([val_grid[first], val_grid[first + counts - 1]]))
            t_far = float(np.interp(far_target, xp, fp))
        else:
            t_far = 0.0
        vals.append(np.mean(dist[test][same[test]] < t_far))
    return float(np.mean(accs)), float(np.std(accs)), float(np.mean(vals)), float(np.std(vals))


def evaluate(embed, pairs, size):
    files = sorted({p for a, b, _ in pairs for p in (a, b)})
    emb = {}
    for i in range(0, len(files), 32):
        chunk = files[i:i + 32]
        for f, e in zip(chunk, embed(np.stack([load_image(f, size) for f in chunk]))):
            emb[f] = e
    dist = np.array([np.sum((emb[a] - emb[b]) ** 2) for a, b, _ in pairs])
    same = np.array([s for _, _, s in pairs], dtype=bool)
    return verification(dist, same)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("saved_model")
    ap.add_argument("out")
    ap.add_argument("--quantize", choices=["float16", "int8"])
    ap.add_argument("--representative-data", metavar="DIR")
    ap.add_argument("--images", metavar="DIR", help="images to compare the two models on (default: a few "
                    "representative images, else random pixels)")
    ap.add_argument("--pairs", metavar="FILE")
    ap.add_argument("--pairs-dir", metavar="DIR")
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.saved_model, "saved_model.pb")):
        sys.exit(f"{args.saved_model}: not a SavedModel (no saved_model.pb)")
    if args.pairs and not args.pairs_dir:
        sys.exit("--pairs needs --pairs-dir")

    reference = SavedModelEmbedder(args.saved_model)
    size = reference.size
    content = convert(args.saved_model, args.quantize, args.representative_data, size, reference.keys)
    out_dir = os.path.dirname(os.path.abspath(args.out))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(args.out) + ".", dir=out_dir)
    with os.fdopen(fd, "wb") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o666 & ~current_umask())
    os.replace(tmp, args.out)
    lite = LiteEmbedder(content)
    ops = sorted({d["op_name"] for d in lite.interpreter._get_ops_details()})
    print(f"{args.out}: {len(content) / 1e6:.2f} MB, {args.quantize or 'float32'}, TF-Lite ops: {', '.join(ops)}")

    source = args.images or args.representative_data
    files = image_files(source, limit=8) if source else []
    if files:
        images = np.stack([load_image(f, size) for f in files])
        what = f"{len(files)} images of {source}"
    else:
        images = np.random.default_rng(0).integers(0, 256, (8, size, size, 3)).astype(np.float32)
        what = "8 random images"
    expected, got = reference(images), lite(images)
    diff = float(np.max(np.abs(expected - got)))
    cosine = float(np.min(np.sum(expected * got, axis=1)))
    print(f"interpreter vs SavedModel on {what}: max |diff| {diff:.3g}, min cosine {cosine:.6f}, "
          f"norms {np.linalg.norm(got, axis=1).min():.6f}..{np.linalg.norm(got, axis=1).max():.6f}")
    if not args.quantize and diff > 1e-5:
        print("FAIL: the float32 conversion differs from the SavedModel by more than 1e-5")
        sys.exit(1)

    if args.pairs:
        pairs = read_pairs(args.pairs, args.pairs_dir)
        print(f"{args.pairs}: {len(pairs)} pairs found in {args.pairs_dir}")
        if not pairs:
            sys.exit("no pair of the pairs file has both images in --pairs-dir")
        for name, embed in (("SavedModel", reference), ("TF-Lite " + (args.quantize or "float32"), lite)):
            acc, acc_sd, val, val_sd = evaluate(embed, pairs, size)
            print(f"  {name:>18}: accuracy {acc:.4f} +- {acc_sd:.4f}, VAL@FAR=1e-3 {val:.4f} +- {val_sd:.4f}")


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


if __name__ == "__main__":
    main()

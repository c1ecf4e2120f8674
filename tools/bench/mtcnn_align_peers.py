#!/usr/bin/env python3
"""Peer programs for `facenet align` on a folder (tools/bench/mtcnn-align-rounds.sh times them; measurement only, not
CI, not the product). Both write one 160 x 160 PNG a photo (margin 32, facenet's choice of face) into OUT_DIR's
identity folders.

  mtcnn_align_peers.py facenet-tf --facenet FACENET/src IN_DIR OUT_DIR [--image-size 160 --margin 32]
      runs facenet's own src/align/align_dataset_mtcnn.py (its main(), unchanged) with run-time shims for today's
      libraries: `import tensorflow` is tensorflow.compat.v1 (v2 behaviour off), np.load gets allow_pickle=True, and
      scipy.misc (gone from SciPy) gets imread / imresize(interp='bilinear') / imsave on Pillow, which is what
      scipy.misc used.
  mtcnn_align_peers.py facenet-pytorch --facenet-pytorch PARENT IN_DIR OUT_DIR [--image-size 160 --margin 32]
      a loop that does the same with facenet-pytorch's MTCNN: MTCNN().detect on each photo (facenet's parameters,
      facenet-pytorch's defaults), the face facenet would choose (largest box near the centre), the box widened by
      margin / 2 a side in the photo's pixels and clipped (facenet's margin, not facenet-pytorch's extract_face, whose
      margin is in output pixels), Pillow BILINEAR to the image size, PNG. PARENT holds facenet_pytorch (see
      mtcnn_peers.py; torchvision is stubbed where it does not load).
"""
import argparse
import importlib.util
import os
import sys
import time
import types

import numpy as np


def facenet_tf(args):
    import tensorflow as tf2
    tf = tf2.compat.v1
    tf.disable_v2_behavior()
    sys.modules["tensorflow"] = tf
    real_load = np.load
    np.load = lambda *a, **k: real_load(*a, **{**k, "allow_pickle": True})
    from PIL import Image
    import scipy
    misc = types.ModuleType("scipy.misc")
    misc.imread = lambda path: np.asarray(Image.open(path))
    misc.imresize = lambda arr, size, interp="bilinear": np.asarray(
        Image.fromarray(arr).resize((size[1], size[0]), {"bilinear": Image.BILINEAR}[interp]))
    misc.imsave = lambda path, arr: Image.fromarray(arr).save(path)
    sys.modules["scipy.misc"] = misc
    scipy.misc = misc
    src = os.path.abspath(args.facenet)
    sys.path[:0] = [src, os.path.join(src, "align")]
    spec = importlib.util.spec_from_file_location("align_dataset_mtcnn", os.path.join(src, "align",
                                                                                      "align_dataset_mtcnn.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(module.parse_arguments([args.input, args.output, "--image_size", str(args.image_size),
                                        "--margin", str(args.margin)]))


def facenet_pytorch(args):
    import torch
    from PIL import Image
    sys.path.insert(0, args.facenet_pytorch)
    try:
        import torchvision  # noqa: F401
    except RuntimeError:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from mtcnn_peers import stub_torchvision
        stub_torchvision(torch)
    from facenet_pytorch import MTCNN
    mtcnn = MTCNN(device="cpu")
    done = none = 0
    for cls in sorted(os.listdir(args.input)):
        cdir = os.path.join(args.input, cls)
        if not os.path.isdir(cdir):
            continue
        odir = os.path.join(args.output, cls)
        os.makedirs(odir, exist_ok=True)
        for name in sorted(os.listdir(cdir)):
            img = Image.open(os.path.join(cdir, name)).convert("RGB")
            with torch.no_grad():
                boxes, _ = mtcnn.detect(img)
            if boxes is None:
                none += 1
                continue
            w, h = img.size
            # align_dataset_mtcnn.py's choice: the largest box, penalised by its centre's offset from the image centre
            size = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
            off = np.vstack([(boxes[:, 0] + boxes[:, 2]) / 2 - w / 2, (boxes[:, 1] + boxes[:, 3]) / 2 - h / 2])
            b = boxes[int(np.argmax(size - np.sum(off ** 2, 0) * 2.0))]
            m = args.margin / 2
            crop = (int(max(b[0] - m, 0)), int(max(b[1] - m, 0)), int(min(b[2] + m, w)), int(min(b[3] + m, h)))
            face = img.crop(crop).resize((args.image_size, args.image_size), Image.BILINEAR)
            face.save(os.path.join(odir, os.path.splitext(name)[0] + ".png"))
            done += 1
    print(f"facenet-pytorch: {done} aligned, {none} without a face", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("peer", choices=["facenet-tf", "facenet-pytorch"])
    ap.add_argument("--facenet", help="davidsandberg/facenet's src folder (facenet.py, align/)")
    ap.add_argument("--facenet-pytorch", help="folder containing the facenet_pytorch package export")
    ap.add_argument("--image-size", type=int, default=160)
    ap.add_argument("--margin", type=int, default=32)
    ap.add_argument("input")
    ap.add_argument("output")
    args = ap.parse_args()
    t0 = time.perf_counter()
    (facenet_tf if args.peer == "facenet-tf" else facenet_pytorch)(args)
    print(f"peer={args.peer} in_process_s={time.perf_counter() - t0:.2f}", flush=True)


if __name__ == "__main__":
    main()

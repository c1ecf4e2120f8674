#!/usr/bin/env python3
"""Peer benchmark: MTCNN face detection on one photo with facenet's detect_face (Python TensorFlow through
tensorflow.compat.v1, opencv) and facenet-pytorch's MTCNN (torch, CPU). Measurement only (not CI, not the product);
tools/bench/mtcnn-rounds.sh runs it next to `tools/facenet bench --detect`.

  tools/bench/mtcnn_peers.py --facenet FACENET/src/align --facenet-pytorch PARENT_DIR PHOTO [--steps 10 --warmup 2]

--facenet-pytorch is a folder holding an export of timesler/facenet-pytorch named facenet_pytorch (its __init__.py,
models/ and data/{pnet,rnet,onet}.pt; the package's own weights). Both detectors run with their defaults, which are
facenet's (min size 20, thresholds 0.6 0.7 0.7, factor 0.709), on the photo decoded once (RGB uint8); the clock
covers detection only. Prints one line a peer: peer=... detect_ms_median=... faces=N.
"""
import argparse
import importlib.util
import os
import sys
import time

import numpy as np


def median_ms(fn, warmup, steps):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return float(np.median(times))


def stub_torchvision(torch):
    """Where the installed torchvision does not load (its C++ ops built for another torch), facenet-pytorch's two
    torchvision imports are stubbed: batched_nms by a greedy NMS in numpy (torchvision's rule: IoU of continuous
    boxes, per category, highest score first), transforms.functional by an empty module (used by extract_face only)."""
    import types

    def batched_nms(boxes, scores, idxs, threshold):
        if boxes.numel() == 0:
            return torch.empty(0, dtype=torch.long)
        b = (boxes + (idxs.to(boxes) * (boxes.max() + 1))[:, None]).cpu().numpy().astype(np.float64)
        order = np.argsort(-scores.cpu().numpy(), kind="stable")
        area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
        keep = []
        while order.size > 0:
            i, rest = order[0], order[1:]
            keep.append(i)
            iw = np.clip(np.minimum(b[i, 2], b[rest, 2]) - np.maximum(b[i, 0], b[rest, 0]), 0, None)
            ih = np.clip(np.minimum(b[i, 3], b[rest, 3]) - np.maximum(b[i, 1], b[rest, 1]), 0, None)
            inter = iw * ih
            order = rest[inter / (area[i] + area[rest] - inter) <= threshold]
        return torch.as_tensor(np.array(keep, dtype=np.int64))
    tv = types.ModuleType("torchvision")
    ops = types.ModuleType("torchvision.ops")
    ops_boxes = types.ModuleType("torchvision.ops.boxes")
    ops_boxes.batched_nms = batched_nms
    transforms = types.ModuleType("torchvision.transforms")
    functional = types.ModuleType("torchvision.transforms.functional")
    tv.ops, ops.boxes, tv.transforms, transforms.functional = ops, ops_boxes, transforms, functional
    sys.modules.update({"torchvision": tv, "torchvision.ops": ops, "torchvision.ops.boxes": ops_boxes,
                        "torchvision.transforms": transforms, "torchvision.transforms.functional": functional})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--facenet", help="facenet's src/align folder")
    ap.add_argument("--facenet-pytorch", help="folder containing the facenet_pytorch package export")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("photo")
    args = ap.parse_args()
    from PIL import Image
    img = np.asarray(Image.open(args.photo).convert("RGB"))
    if args.facenet:
        import tensorflow as tf2
        tf = tf2.compat.v1
        tf.disable_v2_behavior()
        sys.modules["tensorflow"] = tf
        real_load = np.load
        np.load = lambda *a, **k: real_load(*a, **{**k, "allow_pickle": True})
        spec = importlib.util.spec_from_file_location("detect_face", os.path.join(args.facenet, "detect_face.py"))
        df = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(df)
        config = tf.ConfigProto(intra_op_parallelism_threads=args.threads, inter_op_parallelism_threads=args.threads)
        sess = tf.Session(config=config)
        nets = df.create_mtcnn(sess, args.facenet)
        faces = []
        ms = median_ms(lambda: faces.append(df.detect_face(img, 20, *nets, [0.6, 0.7, 0.7], 0.709)[0].shape[0]),
                       args.warmup, args.steps)
        print(f"peer=facenet-tf detect_ms_median={ms:.1f} faces={faces[-1]} size={img.shape[1]}x{img.shape[0]}", flush=True)
        sys.modules.pop("tensorflow")
    if args.facenet_pytorch:
        import torch
        torch.set_num_threads(args.threads)
        sys.path.insert(0, args.facenet_pytorch)
        try:
            import torchvision  # noqa: F401
            shim = ""
        except RuntimeError:
            stub_torchvision(torch)
            shim = " torchvision=stub(batched_nms in numpy)"
        from facenet_pytorch import MTCNN
        mtcnn = MTCNN(keep_all=True, device="cpu")
        pil = Image.fromarray(img)
        faces = []

        def run():
            with torch.no_grad():
                boxes, _ = mtcnn.detect(pil)
            faces.append(0 if boxes is None else len(boxes))
        ms = median_ms(run, args.warmup, args.steps)
        print(f"peer=facenet-pytorch detect_ms_median={ms:.1f} faces={faces[-1]} size={img.shape[1]}x{img.shape[0]} "
              f"torch={torch.__version__}{shim}", flush=True)


if __name__ == "__main__":
    main()

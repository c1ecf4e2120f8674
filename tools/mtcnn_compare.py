#!/usr/bin/env python3
"""Cross-check of `facenet detect` against facenet's own detect_face.py (not run by CI).

  git clone https://github.com/davidsandberg/facenet /tmp/facenet       # not committed here
  tools/facenet detect PHOTOS... --out java.csv
  tools/mtcnn_compare.py --facenet /tmp/facenet/src/align --java java.csv PHOTOS...
  tools/facenet align IN_DIR OUT_DIR --image-size 160 --margin 32
  tools/mtcnn_compare.py --facenet /tmp/facenet/src/align --aligned IN_DIR OUT_DIR --image-size 160 --margin 32
  tools/facenet align IN_DIR OUT_DIR --alignment similarity
  tools/mtcnn_compare.py --facenet /tmp/facenet/src/align --similarity IN_DIR OUT_DIR \
      --insightface /tmp/insightface/python-package/insightface/utils/face_align.py     # needs scikit-image

Runs facenet's detect_face (TensorFlow 2.x through tensorflow.compat.v1, opencv-python-headless) with its defaults
(minsize 20, thresholds 0.6 0.7 0.7, factor 0.709) on the same pixels (both sides decode with TensorFlow's
DecodeImage, so JPEG decoding is not part of the comparison), matches faces by IoU and prints a Markdown table of
the largest differences. With --aligned, it redoes align_dataset_mtcnn.py's steps for every photo of IN_DIR
(detect_face, its choice of face, the margin, the clipping, then misc.imresize's resampling, which is Pillow's
BILINEAR resize of the uint8 crop; scipy.misc is gone from today's SciPy) and compares each crop with the PNG that
`facenet align` wrote in OUT_DIR, in grey levels. facenet's module is loaded from --facenet with two run-time shims for today's libraries
(np.load gets allow_pickle=True; `import tensorflow` is tensorflow.compat.v1); its code is not changed or copied.
"""
import argparse
import csv
import importlib.util
import os
import sys

import numpy as np


def load_facenet(align_dir):
    import tensorflow as tf2
    tf = tf2.compat.v1
    tf.disable_v2_behavior()
    sys.modules["tensorflow"] = tf
    real_load = np.load
    np.load = lambda *a, **k: real_load(*a, **{**k, "allow_pickle": True})
    spec = importlib.util.spec_from_file_location("detect_face", os.path.join(align_dir, "detect_face.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sess = tf.Session()
    pnet, rnet, onet = module.create_mtcnn(sess, align_dir)
    contents = tf.placeholder(tf.string, ())
    image = tf.io.decode_image(contents, channels=3, expand_animations=False)

    def decode(path):
        with open(path, "rb") as f:
            return sess.run(image, {contents: f.read()})
    return module, (pnet, rnet, onet), decode


def read_java(path):
    faces = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            faces.setdefault(os.path.normpath(row["path"]), []).append(
                [float(row[k]) for k in ("x1", "y1", "x2", "y2", "score")]
                + [float(row[f"l{a}{i}"]) for a in "xy" for i in range(1, 6)])
    return faces


def iou(a, b):
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def facenet_crop(module, nets, img, image_size, margin):
    """align_dataset_mtcnn.py's crop of one photo (one face, --detect_multiple_faces off), or None."""
    from PIL import Image
    bounding_boxes, _ = module.detect_face(img, 20, *nets, [0.6, 0.7, 0.7], 0.709)
    nrof_faces = bounding_boxes.shape[0]
    if nrof_faces == 0:
        return None, None
    det = bounding_boxes[:, 0:4]
    img_size = np.asarray(img.shape)[0:2]
    if nrof_faces > 1:
        bounding_box_size = (det[:, 2] - det[:, 0]) * (det[:, 3] - det[:, 1])
        img_center = img_size / 2
        offsets = np.vstack([(det[:, 0] + det[:, 2]) / 2 - img_center[1], (det[:, 1] + det[:, 3]) / 2 - img_center[0]])
        offset_dist_squared = np.sum(np.power(offsets, 2.0), 0)
        det = det[np.argmax(bounding_box_size - offset_dist_squared * 2.0), :]
    det = np.squeeze(det)
    bb = np.zeros(4, dtype=np.int32)
    bb[0] = np.maximum(det[0] - margin / 2, 0)
    bb[1] = np.maximum(det[1] - margin / 2, 0)
    bb[2] = np.minimum(det[2] + margin / 2, img_size[1])
    bb[3] = np.minimum(det[3] + margin / 2, img_size[0])
    cropped = img[bb[1]:bb[3], bb[0]:bb[2], :]
    scaled = np.asarray(Image.fromarray(cropped).resize((image_size, image_size), Image.BILINEAR))
    return scaled, bb


def insightface_crop(face_align, module, nets, img, image_size):
    """facenet's detection and choice of face, then insightface's norm_crop on its five landmarks."""
    boxes, points = module.detect_face(img, 20, *nets, [0.6, 0.7, 0.7], 0.709)
    if boxes.shape[0] == 0:
        return None, None
    i = 0
    if boxes.shape[0] > 1:
        det = boxes[:, 0:4]
        img_size = np.asarray(img.shape)[0:2]
        size = (det[:, 2] - det[:, 0]) * (det[:, 3] - det[:, 1])
        offsets = np.vstack([(det[:, 0] + det[:, 2]) / 2 - img_size[1] / 2, (det[:, 1] + det[:, 3]) / 2 - img_size[0] / 2])
        i = int(np.argmax(size - np.sum(offsets ** 2, 0) * 2.0))
    landmarks = np.stack([points[0:5, i], points[5:10, i]], axis=1)
    return face_align.norm_crop(img, landmarks, image_size), boxes[i, 0:4].astype(np.int32)


def compare_aligned(module, nets, decode, in_dir, out_dir, image_size, margin, reference=None):
    from PIL import Image
    print("| photo | crop rectangle | max grey-level diff | mean abs diff |")
    print("|---|---|---|---|")
    worst = 0
    for cls in sorted(os.listdir(in_dir)):
        if not os.path.isdir(os.path.join(in_dir, cls)):
            continue
        for name in sorted(os.listdir(os.path.join(in_dir, cls))):
            photo = os.path.join(in_dir, cls, name)
            if reference is None:
                ref, bb = facenet_crop(module, nets, decode(photo), image_size, margin)
            else:
                ref, bb = reference(decode(photo))
            png = os.path.join(out_dir, cls, os.path.splitext(name)[0] + ".png")
            if ref is None or not os.path.exists(png):
                print(f"| {cls}/{name} | facenet {'none' if ref is None else 'crop'}, java "
                      f"{'crop' if os.path.exists(png) else 'none'} | | |")
                continue
            got = np.asarray(Image.open(png).convert("RGB")).astype(int)
            diff = np.abs(got - ref.astype(int))
            worst = max(worst, diff.max())
            print(f"| {cls}/{name} | {' '.join(map(str, bb))} | {diff.max()} | {diff.mean():.3f} |")
    print(f"\nlargest grey-level difference: {worst}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--facenet", required=True, help="facenet's src/align folder (detect_face.py, det1-3.npy)")
    ap.add_argument("--java", help="CSV written by `facenet detect`")
    ap.add_argument("--aligned", nargs=2, metavar=("IN_DIR", "OUT_DIR"), help="compare `facenet align IN_DIR OUT_DIR`")
    ap.add_argument("--similarity", nargs=2, metavar=("IN_DIR", "OUT_DIR"),
                    help="compare `facenet align IN_DIR OUT_DIR --alignment similarity` with insightface's norm_crop")
    ap.add_argument("--insightface", help="insightface's face_align.py (with --similarity)")
    ap.add_argument("--image-size", type=int, default=None)
    ap.add_argument("--margin", type=int, default=32)
    ap.add_argument("photos", nargs="*")
    args = ap.parse_args()
    module, nets, decode = load_facenet(args.facenet)
    if args.aligned:
        compare_aligned(module, nets, decode, *args.aligned, args.image_size or 160, args.margin)
        return
    if args.similarity:
        spec = importlib.util.spec_from_file_location("face_align", args.insightface)
        face_align = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(face_align)
        size = args.image_size or 112
        compare_aligned(module, nets, decode, *args.similarity, size, 0,
                        lambda img: insightface_crop(face_align, module, nets, img, size))
        return
    java = read_java(args.java)
    print("| photo | size | faces facenet / java | max box diff px | max landmark diff px | max score diff |")
    print("|---|---|---|---|---|---|")
    worst = [0.0, 0.0, 0.0]
    mismatched = 0
    for photo in args.photos:
        img = decode(photo)
        boxes, points = module.detect_face(img, 20, *nets, [0.6, 0.7, 0.7], 0.709)
        ref = [list(boxes[i, :5]) + list(points[:, i]) for i in range(boxes.shape[0])]
        got = java.get(os.path.normpath(photo), [])
        db = dl = ds = 0.0
        unmatched = 0
        for r in ref:
            best = max(got, key=lambda g: iou(r, g), default=None)
            if best is None or iou(r, best) < 0.5:
                unmatched += 1
                continue
            db = max(db, max(abs(r[k] - best[k]) for k in range(4)))
            ds = max(ds, abs(r[4] - best[4]))
            dl = max(dl, max(abs(r[5 + k] - best[5 + k]) for k in range(10)))
        same = unmatched == 0 and len(ref) == len(got)
        mismatched += 0 if same else 1
        worst = [max(worst[0], db), max(worst[1], dl), max(worst[2], ds)]
        print(f"| {os.path.basename(photo)} | {img.shape[1]}x{img.shape[0]} | {len(ref)} / {len(got)}"
              f"{'' if same else ' (differ)'} | {db:.3f} | {dl:.3f} | {ds:.2e} |")
    print(f"\n{len(args.photos)} photos; face sets differ on {mismatched}; largest differences: boxes {worst[0]:.3f} px, "
          f"landmarks {worst[1]:.3f} px, scores {worst[2]:.2e}")


if __name__ == "__main__":
    main()

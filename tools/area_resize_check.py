#!/usr/bin/env python3
"""TensorFlow's ResizeArea against OpenCV's INTER_AREA as facenet's detect_face uses it (not run by CI).

Pyramid levels: uint8 photos shrunk by facenet's scales, ResizeArea rounded to 8 bits vs cv2's uint8 output.
Crops: float images of 8-120 px resized to 24 and 48 px (shrinking and enlarging), ResizeArea vs cv2 in float.
"""
import cv2
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
n = differ = worst = 0
for trial in range(200):
    h, w = rng.integers(13, 300, 2)
    img = rng.integers(0, 256, (h, w, 3)).astype(np.uint8)
    for scale in (0.6, 0.6 * 0.709, 0.6 * 0.709 ** 3, 0.6 * 0.709 ** 6):
        hs, ws = int(np.ceil(h * scale)), int(np.ceil(w * scale))
        ref = cv2.resize(img, (ws, hs), interpolation=cv2.INTER_AREA).astype(np.float64)
        got = np.round(tf.raw_ops.ResizeArea(images=img[None], size=[hs, ws]).numpy()[0])
        n += ref.size
        differ += int((got != ref).sum())
        worst = max(worst, np.abs(got - ref).max())
print(f"opencv {cv2.__version__}; pyramid levels: {differ} of {n} values differ ({100 * differ / n:.3f} %), "
      f"by at most {worst:.0f}")
crop_worst = {}
for trial in range(200):
    h = int(rng.integers(8, 120))
    w = h + int(rng.integers(-1, 2))
    img = rng.uniform(0, 255, (h, w, 3))
    for side in (24, 48):
        ref = cv2.resize(img, (side, side), interpolation=cv2.INTER_AREA)
        got = tf.raw_ops.ResizeArea(images=img[None].astype(np.float32), size=[side, side]).numpy()[0]
        key = f"{side} {'shrink' if min(h, w) >= side else 'enlarge'}"
        crop_worst[key] = max(crop_worst.get(key, 0.0), float(np.abs(got - ref).max()))
print("crops: largest |ResizeArea - INTER_AREA| by case:", {k: round(v, 4) for k, v in sorted(crop_worst.items())})

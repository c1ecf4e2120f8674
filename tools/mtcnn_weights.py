#!/usr/bin/env python3
"""Converts facenet's MTCNN weights (davidsandberg/facenet src/align/det1.npy, det2.npy, det3.npy, MIT licence)
into src/main/resources/org/facenet/align/mtcnn-weights.bin, which org.facenet.align.MtcnnWeights reads.

Run once (numpy only):  tools/mtcnn_weights.py DIR_WITH_DET_NPY [OUT]

Format (all integers and floats big-endian, as java.io.DataInputStream reads them):
  8 bytes  magic "MTCNNW01"
  int32    number of tensors
  per tensor, in the order written (pnet, rnet, onet; layers and parameters sorted by name):
    uint16 + UTF-8   name, "<net>/<layer>/<param>", e.g. "pnet/conv1/weights", "rnet/prelu4/alpha"
    int32            rank, then int32 per dimension
    float32 x count  values, row-major (C order) as stored by numpy
Convolution weights are HWIO, fully connected weights [in, out], biases and PReLU alphas [C], exactly as facenet's
detect_face.py assigns them to its TensorFlow variables.
"""
import struct
import sys

import numpy as np


def main(src, out):
    tensors = []
    for net, fname in (("pnet", "det1.npy"), ("rnet", "det2.npy"), ("onet", "det3.npy")):
        layers = np.load(f"{src}/{fname}", allow_pickle=True, encoding="latin1").item()
        for layer in sorted(layers):
            for param in sorted(layers[layer]):
                tensors.append((f"{net}/{layer}/{param}", np.asarray(layers[layer][param], dtype=np.float32)))
    with open(out, "wb") as f:
        f.write(b"MTCNNW01")
        f.write(struct.pack(">i", len(tensors)))
        for name, value in tensors:
            encoded = name.encode("utf-8")
            f.write(struct.pack(">H", len(encoded)) + encoded)
            f.write(struct.pack(">i", value.ndim))
            f.write(struct.pack(f">{value.ndim}i", *value.shape))
            f.write(value.astype(">f4").tobytes(order="C"))
    print(f"{out}: {len(tensors)} tensors, {sum(v.size for _, v in tensors)} values")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "src/main/resources/org/facenet/align/mtcnn-weights.bin")

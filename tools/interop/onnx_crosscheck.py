#!/usr/bin/env python3
"""Cross-check of `facenet import` of insightface ArcFace ONNX models against onnxruntime (not run by CI; see
docs/interop.md).

For each depth: build insightface's recognition/arcface_torch/backbones/iresnet.py iresnetN(dropout=0, fp16=False,
num_features=512) as torch2onnx.py builds it, random weights (N(0, 1 / fan-in): iresnet.py's N(0, 0.1) overflows
through 50 random layers) with random batch-norm statistics, affine parameters and PReLU slopes,
eval mode, exported as torch2onnx.py exports it (torch.onnx.export, input name `data`, opset 11,
keep_initializers_as_inputs=False, constant folding on; the batch dimension then renamed 'None'): with torch's
TorchScript exporter (dynamo=False, the one torch2onnx.py was written for) and, with --exporters, torch's newer
default dynamo exporter (opset 18, weights in MODEL.onnx.data). onnxruntime embeds the images as
arcface_torch/inference.py feeds them (RGB, (x / 255 - 0.5) / 0.5, NCHW); tools/facenet-import imports the .onnx
and tools/facenet-embed embeds the same PNG files with the SavedModel. Printed: the smallest cosine similarity and
the largest absolute difference of the L2-normalised embeddings, and the wall time of the import command.

  python3 tools/interop/onnx_crosscheck.py --insightface /work/.mirror/deepinsight+insightface/repo \
      --facenet /work/.mirror/davidsandberg+facenet/repo --work /tmp/oxc

--insightface is a checkout or bare git directory of deepinsight/insightface (or --iresnet PATH, the iresnet.py file
itself); --facenet (optional) a checkout or bare git directory of davidsandberg/facenet, whose data/images (two LFW
photos) give two real face crops. Their files are copied to WORK, never into this repository.
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys
import time

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIZE = 112


def repo_file(repo, path, dest):
  if os.path.isdir(os.path.join(repo, '.git')) or os.path.isfile(os.path.join(repo, path)):
    shutil.copyfile(os.path.join(repo, path), dest)
  else:
    with open(dest, 'wb') as o:
      o.write(subprocess.check_output(['git', '--git-dir', repo, 'show', 'HEAD:' + path]))


def commit_of(repo):
  git_dir = os.path.join(repo, '.git') if os.path.isdir(os.path.join(repo, '.git')) else repo
  return subprocess.check_output(['git', '--git-dir', git_dir, 'rev-parse', 'HEAD']).decode().strip()


def images(work, facenet):
  """Two LFW face crops (facenet's data/images, centre 150 px resized to 112) and smooth and noisy random images."""
  d = os.path.join(work, 'images', 'faces')
  os.makedirs(d, exist_ok=True)
  names = []
  if facenet:
    for f in ['Anthony_Hopkins_0001.jpg', 'Anthony_Hopkins_0002.jpg']:
      src = os.path.join(work, f)
      repo_file(facenet, 'data/images/' + f, src)
      img = Image.open(src).convert('RGB')
      w, h = img.size
      img = img.crop(((w - 150) // 2, (h - 150) // 2, (w + 150) // 2, (h + 150) // 2)).resize((SIZE, SIZE), Image.BILINEAR)
      names.append(f.replace('.jpg', '.png'))
      img.save(os.path.join(d, names[-1]))
  rng = np.random.RandomState(0)
  for i in range(4):
    if i % 2 == 0:
      small = rng.randint(0, 256, (8, 8, 3)).astype(np.uint8)
      img = Image.fromarray(small).resize((SIZE, SIZE), Image.BILINEAR)
    else:
      img = Image.fromarray(rng.randint(0, 256, (SIZE, SIZE, 3)).astype(np.uint8))
    names.append('random%02d.png' % i)
    img.save(os.path.join(d, names[-1]))
  raw = np.stack([np.asarray(Image.open(os.path.join(d, n)).convert('RGB'), np.float32) for n in names])
  return os.path.dirname(d), names, raw


def build(iresnet, depth, seed):
  import torch
  torch.manual_seed(seed)
  net = getattr(iresnet, 'iresnet%d' % depth)(dropout=0.0, fp16=False, num_features=512)
  with torch.no_grad():
    for m in net.modules():
      if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)):
        # iresnet.py draws N(0, 0.1), which overflows float32 through 50 random layers: 1 / sqrt(fan-in) instead.
        m.weight.normal_(0.0, float(np.sqrt(1.0 / (m.weight[0].numel()))))
      if isinstance(m, (torch.nn.BatchNorm2d, torch.nn.BatchNorm1d)):
        m.running_mean.uniform_(-0.2, 0.2)
        m.running_var.uniform_(0.5, 1.5)
        m.bias.uniform_(-0.2, 0.2)
        if m.weight.requires_grad:  # features.weight is fixed at 1 in iresnet.py
          m.weight.uniform_(0.5, 1.5)
      elif isinstance(m, torch.nn.PReLU):
        m.weight.uniform_(0.0, 0.5)
  net.eval()
  return net


def export(net, path, exporter):
  """torch2onnx.py's convert_onnx, with the exporter chosen explicitly."""
  import onnx
  import torch
  img = np.random.randint(0, 255, size=(112, 112, 3), dtype=np.int32).astype(np.float64)
  img = ((img / 255. - 0.5) / 0.5).transpose((2, 0, 1))
  img = torch.from_numpy(img).unsqueeze(0).float()
  if exporter == 'torchscript':
    torch.onnx.export(net, img, path, input_names=['data'], keep_initializers_as_inputs=False, verbose=False,
                      opset_version=11, dynamo=False)
  else:
    torch.onnx.export(net, img, path, input_names=['data'], dynamo=True)
  model = onnx.load(path)
  model.graph.input[0].type.tensor_type.shape.dim[0].dim_param = 'None'
  if exporter == 'torchscript':
    onnx.save(model, path)
  else:
    onnx.save(model, path, save_as_external_data=True, location=os.path.basename(path) + '.data')


def onnxruntime_embed(path, raw):
  import onnxruntime as ort
  sess = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
  x = ((raw / 255.0 - 0.5) / 0.5).transpose(0, 3, 1, 2).astype(np.float32)
  # One image a run: an export may hold the example's batch of 1 in a Reshape.
  out = np.concatenate([sess.run(None, {sess.get_inputs()[0].name: x[i:i + 1]})[0] for i in range(len(x))])
  return out / np.linalg.norm(out, axis=1, keepdims=True), sess.get_outputs()[0].name


def java_embed(source, out_model, image_dir, csv_path):
  t0 = time.time()
  subprocess.run([os.path.join(ROOT, 'tools/facenet-import'), source, '--out', out_model], check=True)
  t_import = time.time() - t0
  subprocess.run([os.path.join(ROOT, 'tools/facenet-embed'), image_dir, '--model', out_model, '--out', csv_path],
                 check=True)
  rows = {}
  with open(csv_path, newline='', encoding='utf-8') as f:
    r = csv.reader(f)
    next(r)
    for row in r:
      rows[os.path.basename(row[0])] = np.array([float(x) for x in row[2:]], np.float32)
  return rows, t_import


def main():
  p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  p.add_argument('--insightface', help='deepinsight/insightface checkout or bare git directory')
  p.add_argument('--iresnet', help='or: the path of arcface_torch/backbones/iresnet.py itself')
  p.add_argument('--facenet', help='davidsandberg/facenet checkout or bare git directory (for two LFW face crops)')
  p.add_argument('--work', required=True, help='scratch folder (insightface file, models, images)')
  p.add_argument('--depths', default='18,50')
  p.add_argument('--exporters', default='torchscript', help='torchscript and/or dynamo, comma-separated')
  args = p.parse_args()
  os.makedirs(args.work, exist_ok=True)
  src = os.path.join(args.work, 'arcface_torch_backbones')
  os.makedirs(src, exist_ok=True)
  if args.iresnet:
    shutil.copyfile(args.iresnet, os.path.join(src, 'iresnet.py'))
    commit = 'file ' + args.iresnet
  else:
    repo_file(args.insightface, 'recognition/arcface_torch/backbones/iresnet.py', os.path.join(src, 'iresnet.py'))
    commit = 'commit ' + commit_of(args.insightface)
  sys.path.insert(0, src)
  import iresnet
  import onnxruntime
  import torch
  image_root, names, raw = images(args.work, args.facenet)
  results = []
  for depth in [int(d) for d in args.depths.split(',')]:
    net = build(iresnet, depth, seed=depth)
    for exporter in args.exporters.split(','):
      path = os.path.join(args.work, 'r%d-%s.onnx' % (depth, exporter))
      export(net, path, exporter)
      ref, output = onnxruntime_embed(path, raw)
      out_model = os.path.join(args.work, 'imported-r%d-%s' % (depth, exporter))
      shutil.rmtree(out_model, ignore_errors=True)
      rows, t_import = java_embed(path, out_model, image_root, out_model + '.csv')
      java = np.stack([rows[n] for n in names])
      java = java / np.linalg.norm(java, axis=1, keepdims=True)
      cos = float(np.min(np.sum(java * ref, 1)))
      diff = float(np.max(np.abs(java - ref)))
      # How far apart different images are (so that the agreement above is not that of a constant output).
      spread = float(np.max(ref @ ref.T - 2 * np.eye(len(ref))))
      results.append(('iresnet%d' % depth, exporter, output, len(names), cos, diff, spread, t_import))
      print('RESULT | %s | %s | %s | %d | %.8f | %.2e | %.3f | %.1f |' % results[-1], flush=True)
  print('insightface %s; torch %s, onnxruntime %s' % (commit, torch.__version__, onnxruntime.__version__))
  print('| backbone | exporter | output | images | min cosine | max abs diff | max cosine of two images | import (s, wall) |')
  print('|---|---|---|---|---|---|---|---|')
  for r in results:
    print('| %s | %s | `%s` | %d | %.8f | %.2e | %.3f | %.1f |' % r)
  return 0 if all(r[4] >= 0.99999 for r in results) else 1


if __name__ == '__main__':
  sys.exit(main())

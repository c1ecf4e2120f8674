#!/usr/bin/env python3
"""Cross-check of `facenet import` against davidsandberg/facenet's own code (not run by CI; see docs/interop.md).

For each embedding size: build facenet's src/models/inception_resnet_v1.py (under tensorflow.compat.v1, with
tools/interop/slim_shim.py for tf.contrib.slim) as src/train_softmax.py builds it (input, phase_train, Logits,
embeddings = l2_normalize), random weights and random batch-norm statistics, save the trainable variables as
train_softmax.py does (model-NAME.ckpt-N.*, checkpoint, model-NAME.meta), freeze the folder with facenet's
src/freeze_graph.py, embed a few images with facenet's graph (the checkpoint's graph and the frozen .pb), then run
tools/facenet-import on the folder and on the .pb and tools/facenet-embed on the same PNG files, and print the
largest absolute difference per dimension.

  python3 tools/interop/facenet_crosscheck.py --facenet /work/.mirror/davidsandberg+facenet/repo --work /tmp/xc

--facenet is a checkout or a bare git directory of davidsandberg/facenet; its files are copied to WORK, never into
this repository.
"""
import argparse
import csv
import os
import subprocess
import sys
import time
import types

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def facenet_sources(repo, dest):
  os.makedirs(dest, exist_ok=True)
  for f in ['src/models/inception_resnet_v1.py', 'src/freeze_graph.py', 'src/facenet.py']:
    out = os.path.join(dest, os.path.basename(f))
    if os.path.isdir(os.path.join(repo, 'src')):
      with open(os.path.join(repo, f), 'rb') as i, open(out, 'wb') as o:
        o.write(i.read())
    else:
      with open(out, 'wb') as o:
        o.write(subprocess.check_output(['git', '--git-dir', repo, 'show', 'HEAD:' + f]))
  return subprocess.check_output(['git', '--git-dir', repo if not os.path.isdir(os.path.join(repo, 'src'))
                                  else os.path.join(repo, '.git'), 'rev-parse', 'HEAD']).decode().strip()


def install_tf1_names():
  """facenet's code says `import tensorflow as tf` (TF1) and `import tensorflow.contrib.slim as slim`."""
  import tensorflow  # noqa: F401 (loads tensorflow.python.* into sys.modules first)
  import tensorflow.compat.v1 as tf
  tf.disable_v2_behavior()
  sys.modules['tensorflow'] = tf
  sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
  import slim_shim
  contrib = types.ModuleType('tensorflow.contrib')
  contrib.slim = slim_shim
  sys.modules['tensorflow.contrib'] = contrib
  sys.modules['tensorflow.contrib.slim'] = slim_shim
  tf.contrib = contrib
  # graph_util.convert_variables_to_constants moved to tf.compat.v1.graph_util in TF 2.
  from tensorflow.python.framework import graph_util
  graph_util.convert_variables_to_constants = tf.graph_util.convert_variables_to_constants
  return tf


def build_and_save(tf, network, model_dir, name, step, embedding_size, size, seed):
  """train_softmax.py's graph and save_variables_and_metagraph, with random weights and batch-norm statistics."""
  rng = np.random.RandomState(seed)
  with tf.Graph().as_default() as g:
    tf.set_random_seed(seed)
    image_batch = tf.placeholder(tf.float32, [None, size, size, 3], name='image_batch')
    image_batch = tf.identity(image_batch, 'input')
    phase_train = tf.placeholder(tf.bool, name='phase_train')
    label_batch = tf.identity(tf.placeholder(tf.int32, [None], name='labels'), 'label_batch')
    prelogits, _ = network.inference(image_batch, 0.8, phase_train=phase_train,
                                     bottleneck_layer_size=embedding_size, weight_decay=5e-4)
    import slim_shim as slim
    slim.fully_connected(prelogits, 10, activation_fn=None,
                         weights_initializer=slim.initializers.xavier_initializer(),
                         weights_regularizer=slim.l2_regularizer(5e-4), scope='Logits', reuse=False)
    embeddings = tf.nn.l2_normalize(prelogits, 1, 1e-10, name='embeddings')
    saver = tf.train.Saver(tf.trainable_variables(), max_to_keep=3)
    with tf.Session() as sess:
      sess.run(tf.global_variables_initializer())
      for v in tf.global_variables():
        n = v.op.name
        shape = v.get_shape().as_list()
        if n.endswith('moving_variance'):
          v.load(rng.uniform(0.5, 1.5, shape).astype(np.float32), sess)
        elif n.endswith('moving_mean') or n.endswith('beta'):
          v.load((rng.randn(*shape) * 0.1).astype(np.float32), sess)
      saver.save(sess, os.path.join(model_dir, 'model-%s.ckpt' % name), global_step=step, write_meta_graph=False)
      saver.export_meta_graph(os.path.join(model_dir, 'model-%s.meta' % name))
      names = [v.op.name for v in tf.trainable_variables()]
  return names


def embed_checkpoint(tf, model_dir, images):
  with tf.Graph().as_default(), tf.Session() as sess:
    import facenet
    meta, ckpt = facenet.get_model_filenames(model_dir)
    saver = tf.train.import_meta_graph(os.path.join(model_dir, meta))
    saver.restore(sess, os.path.join(model_dir, ckpt))
    g = tf.get_default_graph()
    return sess.run('embeddings:0', {'input:0': images, 'phase_train:0': False})


def embed_frozen(tf, pb, images):
  with tf.Graph().as_default() as g, tf.Session() as sess:
    gd = tf.GraphDef()
    with open(pb, 'rb') as f:
      gd.ParseFromString(f.read())
    tf.import_graph_def(gd, name='')
    return sess.run('embeddings:0', {'input:0': images, 'phase_train:0': False})


def java_embed(cmd_env, source, out_model, image_dir, csv_path, extra):
  t0 = time.time()
  subprocess.run([os.path.join(ROOT, 'tools/facenet-import'), source, '--out', out_model] + extra, check=True,
                 env=cmd_env)
  t_import = time.time() - t0
  subprocess.run([os.path.join(ROOT, 'tools/facenet-embed'), image_dir, '--model', out_model, '--out', csv_path],
                 check=True, env=cmd_env)
  rows = {}
  with open(csv_path, newline='', encoding='utf-8') as f:
    r = csv.reader(f)
    next(r)
    for row in r:
      rows[os.path.basename(row[0])] = np.array([float(x) for x in row[2:]], np.float32)
  return rows, t_import


def main():
  p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
  p.add_argument('--facenet', required=True, help='davidsandberg/facenet checkout or bare git directory')
  p.add_argument('--work', required=True, help='scratch folder (facenet sources, models, images)')
  p.add_argument('--images', type=int, default=8)
  p.add_argument('--sizes', default='512,128', help='embedding sizes (512: fixed standardisation as the 2018 '
                 'models; 128: per-image prewhitening as the 2017 models)')
  args = p.parse_args()
  src = os.path.join(args.work, 'facenet_src')
  commit = facenet_sources(args.facenet, src)
  tf = install_tf1_names()
  sys.path.insert(0, src)
  import inception_resnet_v1 as network
  import facenet
  import freeze_graph

  size = 160
  image_dir = os.path.join(args.work, 'images', 'person')
  os.makedirs(image_dir, exist_ok=True)
  rng = np.random.RandomState(0)
  raw = []
  for i in range(args.images):
    # Smooth random images (a low-resolution random field upsampled): not faces, but not white noise either.
    small = rng.randint(0, 256, (10, 10, 3)).astype(np.uint8)
    img = Image.fromarray(small).resize((size, size), Image.BILINEAR)
    img.save(os.path.join(image_dir, 'img%02d.png' % i))
    raw.append(np.asarray(Image.open(os.path.join(image_dir, 'img%02d.png' % i)).convert('RGB'), np.float32))
  raw = np.stack(raw)
  names = ['img%02d.png' % i for i in range(args.images)]
  env = dict(os.environ)
  results = []
  for d in [int(s) for s in args.sizes.split(',')]:
    name = '2018xc-%d' % d
    model_dir = os.path.join(args.work, name)
    os.makedirs(model_dir, exist_ok=True)
    build_and_save(tf, network, model_dir, name, 275, d, size, seed=d)
    pb = os.path.join(args.work, name + '.pb')
    freeze_graph.main(freeze_graph.parse_arguments([model_dir, pb]))
    if d == 128:
      std = np.stack([facenet.prewhiten(x) for x in raw]).astype(np.float32)
      extra = ['--standardization', 'per-image']
    else:
      std = ((raw - 127.5) / 128.0).astype(np.float32)
      extra = []
    ref = {'checkpoint': embed_checkpoint(tf, model_dir, std), 'frozen .pb': embed_frozen(tf, pb, std)}
    for kind, source in [('checkpoint', model_dir), ('frozen .pb', pb)]:
      out_model = os.path.join(args.work, 'imported-%d-%s' % (d, 'ckpt' if kind == 'checkpoint' else 'pb'))
      rows, t_import = java_embed(env, source, out_model, os.path.dirname(image_dir),
                                  out_model + '.csv', extra)
      java = np.stack([rows[n] for n in names])
      diff = float(np.max(np.abs(java - ref[kind])))
      cos = float(np.min(np.sum(java * ref[kind], 1) / np.linalg.norm(java, axis=1) / np.linalg.norm(ref[kind], axis=1)))
      results.append((d, kind, 'fixed' if d != 128 else 'per-image', len(names), diff, cos, t_import))
      print('RESULT | %d | %s | %s | %d | %.2e | %.8f | %.1f |' % results[-1], flush=True)
  print('facenet commit %s, TensorFlow %s' % (commit, __import__('tensorflow').__version__))
  print('| embedding | source | standardisation | images | max abs diff | min cosine | import (s, wall) |')
  print('|---|---|---|---|---|---|---|')
  for d, kind, std, n, diff, cos, t in results:
    print('| %d | %s | %s | %d | %.2e | %.8f | %.1f |' % (d, kind, std, n, diff, cos, t))
  return 0 if all(r[4] <= 1e-5 for r in results) else 1


if __name__ == '__main__':
  sys.exit(main())

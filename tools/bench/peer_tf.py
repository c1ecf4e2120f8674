#!/usr/bin/env python3
"""Peer benchmark: FaceNet's Inception-ResNet-v1 in Python TensorFlow (tf.keras, graph mode via tf.function).

Measurement only: not a dependency of facenet-java, its build or its CI. tools/bench/peers.sh runs it next to
`tools/facenet bench` and tools/bench/peer_torch.py.

Install:  pip install tensorflow_cpu      (from the local wheelhouse; tested with TensorFlow 2.21 / Keras 3)

Model: a functional tf.keras port of davidsandberg/facenet src/models/inception_resnet_v1.py plus the softmax head
of its train_softmax.py, the same structure facenet-java builds (graphs/inception_resnet_v1.txt):
  * stem Conv2d_1a..Conv2d_4b, 5 x block35 (scale 0.17), reduction A (k,l,m,n = 192,192,256,384),
    10 x block17 (scale 0.10), reduction B, 5 x block8 (scale 0.20), block8 without activation,
    global average pool, dropout keep 0.8, Bottleneck fully connected (no bias) + batch norm, L2 normalisation;
  * every conv / fully connected layer that slim gives normalizer_fn=batch_norm: no bias, batch norm with
    decay (Keras momentum) 0.995, epsilon 0.001, center (beta) only, no gamma (slim's default scale=False), then
    ReLU (none on the Bottleneck); the 1x1 "up" convolutions of the residual blocks: bias, no batch norm, no ReLU;
  * Xavier (Glorot uniform) weights, L2 weight decay 5e-4 on weights as slim.l2_regularizer (wd * sum(w^2) / 2);
  * input standardisation inside the graph, (x - 127.5) / 128, as facenet-java's FIXED;
  * training head: Logits fully connected (with bias) on the pre-logits (not the normalised embeddings), sparse
    softmax cross-entropy, Adam (beta1 0.9, beta2 0.999, epsilon 0.1, learning rate 1e-4).
Trainable parameters at 512-D excluding the logits: 23,467,824, as graphs/inception_resnet_v1.txt (printed).

Measurements (one process, warm-up excluded, random pixels 0..255 fixed once, like facenet-java's Benchmark):
  * train_img_s: tf.function train step (forward, backward, Adam update, batch-norm moving-average updates),
                 loss fetched to the host each step (facenet-java fetches its total loss);
  * embed_img_s: tf.function inference (batch norm on moving statistics, no dropout) returning the L2-normalised
                 embeddings, fetched to the host each batch;
  * embed_jpeg_img_s (with --jpeg-dir): every .jpg/.jpeg/.png below the folder, decoded by tf.io.decode_image,
                 centre square cropped and bilinearly resized to --image-size (as facenet-java's ImageDecoder),
                 in a tf.data pipeline (map with num_parallel_calls=--decode-threads, batch --jpeg-batch-size,
                 prefetch 2) feeding the same inference function; the clock covers the whole folder, pipeline
                 creation included; the function is traced and warmed on random pixels beforehand (so, unlike
                 `tools/facenet-embed`, whose clock includes its first session run, no one-time cost is timed:
                 use a folder of several hundred images so that this hardly matters).
Output: one parseable line, e.g.
  peer=python-tf train_img_s=12.3 embed_img_s=45.6 embed_jpeg_img_s=40.1 params=23467824 ...

Usage:
  python3 tools/bench/peer_tf.py --image-size 160 --batch-size 32 --steps 10 --warmup 3 --threads 2 \
      [--jpeg-dir /tmp/facenet-peers/jpeg] [--jit-compile] [--classes 100]
"""
import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--image-size", type=int, default=160)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--steps", type=int, default=10, help="timed steps (default 10)")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps first (default 3)")
    p.add_argument("--threads", type=int, default=0,
                   help="intra-op threads (inter-op: min(2, N), as facenet-java's sessions); 0: TensorFlow decides "
                        "(default)")
    p.add_argument("--classes", type=int, default=100,
                   help="softmax classes (default 100, as facenet-java's Benchmark)")
    p.add_argument("--embedding-size", type=int, default=512)
    p.add_argument("--learning-rate", type=float, default=1e-4)
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--jit-compile", action="store_true", help="compile the tf.functions with XLA")
    p.add_argument("--jpeg-dir", help="also measure decode + resize + embed over every image below this folder")
    p.add_argument("--jpeg-batch-size", type=int, default=64, help="(default 64, as tools/facenet-embed)")
    p.add_argument("--decode-threads", type=int, default=2, help="tf.data decode parallelism (default 2)")
    p.add_argument("--bfloat16", action="store_true",
                   help="turn on Grappler's auto_mixed_precision_onednn_bfloat16 rewrite for every tf.function "
                        "(as facenet-java's --precision bfloat16)")
    p.add_argument("--no-train", action="store_true", help="skip the training measurement")
    p.add_argument("--params-only", action="store_true", help="print the parameter count and exit")
    return p.parse_args(argv)


def build(tf, image_size, embedding_size, weight_decay):
    """(embedding model outputting [prelogits, embeddings], list of trainable variables of the tower)."""
    keras = tf.keras
    L = keras.layers
    reg = keras.regularizers.L2(weight_decay / 2.0) if weight_decay > 0 else None  # slim: wd * l2_loss = wd*sum/2
    counter = {}

    def uniq(name):
        counter[name] = counter.get(name, 0) + 1
        return name if counter[name] == 1 else "%s_%d" % (name, counter[name])

    def conv(x, filters, kernel, stride=1, padding="same", name=None):
        """slim.conv2d with the batch-norm arg_scope: conv (no bias) -> BN (beta only) -> ReLU."""
        name = uniq(name or "conv")
        x = L.Conv2D(filters, kernel, strides=stride, padding=padding, use_bias=False,
                     kernel_initializer="glorot_uniform", kernel_regularizer=reg, name=name)(x)
        x = L.BatchNormalization(momentum=0.995, epsilon=0.001, center=True, scale=False, name=name + "_bn")(x)
        return L.ReLU(name=name + "_relu")(x)

    def up(x, channels, name):
        """The residual branch's 1x1 conv: bias, no batch norm, no activation."""
        return L.Conv2D(channels, 1, padding="same", use_bias=True, kernel_initializer="glorot_uniform",
                        kernel_regularizer=reg, name=uniq(name))(x)

    def residual(net, mixed, scale, activation, name):
        u = up(mixed, net.shape[-1], name + "_up")
        u = L.Rescaling(scale, name=uniq(name + "_scale"))(u)
        net = L.Add(name=uniq(name + "_add"))([net, u])
        return L.ReLU(name=uniq(name + "_relu"))(net) if activation else net

    def block35(net, scale, activation=True):
        b0 = conv(net, 32, 1, name="b35_0")
        b1 = conv(conv(net, 32, 1, name="b35_1a"), 32, 3, name="b35_1b")
        b2 = conv(conv(conv(net, 32, 1, name="b35_2a"), 32, 3, name="b35_2b"), 32, 3, name="b35_2c")
        return residual(net, L.Concatenate(axis=3)([b0, b1, b2]), scale, activation, "block35")

    def block17(net, scale, activation=True):
        b0 = conv(net, 128, 1, name="b17_0")
        b1 = conv(conv(conv(net, 128, 1, name="b17_1a"), 128, (1, 7), name="b17_1b"), 128, (7, 1), name="b17_1c")
        return residual(net, L.Concatenate(axis=3)([b0, b1]), scale, activation, "block17")

    def block8(net, scale, activation=True):
        b0 = conv(net, 192, 1, name="b8_0")
        b1 = conv(conv(conv(net, 192, 1, name="b8_1a"), 192, (1, 3), name="b8_1b"), 192, (3, 1), name="b8_1c")
        return residual(net, L.Concatenate(axis=3)([b0, b1]), scale, activation, "block8")

    def reduction_a(net, k, l, m, n):
        b0 = conv(net, n, 3, 2, "valid", name="ra_0")
        b1 = conv(conv(conv(net, k, 1, name="ra_1a"), l, 3, name="ra_1b"), m, 3, 2, "valid", name="ra_1c")
        b2 = L.MaxPooling2D(3, 2, "valid", name="ra_pool")(net)
        return L.Concatenate(axis=3, name="mixed_6a")([b0, b1, b2])

    def reduction_b(net):
        b0 = conv(conv(net, 256, 1, name="rb_0a"), 384, 3, 2, "valid", name="rb_0b")
        b1 = conv(conv(net, 256, 1, name="rb_1a"), 256, 3, 2, "valid", name="rb_1b")
        b2 = conv(conv(conv(net, 256, 1, name="rb_2a"), 256, 3, name="rb_2b"), 256, 3, 2, "valid", name="rb_2c")
        b3 = L.MaxPooling2D(3, 2, "valid", name="rb_pool")(net)
        return L.Concatenate(axis=3, name="mixed_7a")([b0, b1, b2, b3])

    images = keras.Input((image_size, image_size, 3), name="images")  # raw RGB 0..255
    net = L.Rescaling(1.0 / 128.0, offset=-127.5 / 128.0, name="standardize")(images)
    net = conv(net, 32, 3, 2, "valid", name="Conv2d_1a_3x3")
    net = conv(net, 32, 3, 1, "valid", name="Conv2d_2a_3x3")
    net = conv(net, 64, 3, name="Conv2d_2b_3x3")
    net = L.MaxPooling2D(3, 2, "valid", name="MaxPool_3a_3x3")(net)
    net = conv(net, 80, 1, 1, "valid", name="Conv2d_3b_1x1")
    net = conv(net, 192, 3, 1, "valid", name="Conv2d_4a_3x3")
    net = conv(net, 256, 3, 2, "valid", name="Conv2d_4b_3x3")
    for _ in range(5):
        net = block35(net, 0.17)
    net = reduction_a(net, 192, 192, 256, 384)
    for _ in range(10):
        net = block17(net, 0.10)
    net = reduction_b(net)
    for _ in range(5):
        net = block8(net, 0.20)
    net = block8(net, 1.0, activation=False)
    net = L.GlobalAveragePooling2D(name="AvgPool_1a")(net)  # slim.avg_pool2d over the whole map + flatten
    net = L.Dropout(1.0 - 0.8, name="Dropout")(net)
    net = L.Dense(embedding_size, use_bias=False, kernel_initializer="glorot_uniform", kernel_regularizer=reg,
                  name="Bottleneck")(net)
    prelogits = L.BatchNormalization(momentum=0.995, epsilon=0.001, center=True, scale=False,
                                     name="Bottleneck_bn")(net)
    embeddings = L.UnitNormalization(axis=1, name="embeddings")(prelogits)  # tf.nn.l2_normalize
    return keras.Model(images, [prelogits, embeddings], name="InceptionResnetV1")


def count(variables):
    total = 0
    for v in variables:
        n = 1
        for d in v.shape:
            n *= int(d)
        total += n
    return total


def list_images(root):
    out = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.lower().endswith((".jpg", ".jpeg", ".png")):
                out.append(os.path.join(dirpath, f))
    return sorted(out)


def main(argv=None):
    args = parse_args(argv)
    import numpy as np
    import tensorflow as tf

    if args.threads > 0:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(min(2, args.threads))  # as facenet-java
    if args.bfloat16:
        tf.config.optimizer.set_experimental_options({"auto_mixed_precision_onednn_bfloat16": True})
    tf.keras.utils.set_random_seed(1)

    model = build(tf, args.image_size, args.embedding_size, args.weight_decay)
    params = count(model.trainable_variables)
    moving = count([v for v in model.non_trainable_variables if 'moving' in v.path])  # BN statistics only
    print("# python-tf: TensorFlow %s, Keras %s, trainable parameters (logits excluded) %d, batch-norm moving "
          "statistics %d" % (tf.__version__, tf.keras.__version__ if hasattr(tf.keras, "__version__") else "?",
                              params, moving), file=sys.stderr)
    if args.params_only:
        print("peer=python-tf params=%d moving=%d" % (params, moving))
        return 0

    rng = np.random.default_rng(1)
    b, s = args.batch_size, args.image_size
    pixels = tf.constant(rng.integers(0, 256, size=(b, s, s, 3)).astype(np.float32))
    labels = tf.constant(np.arange(b, dtype=np.int32) % args.classes)
    results = {}

    if not args.no_train:
        logits_layer = tf.keras.layers.Dense(
            args.classes, use_bias=True, kernel_initializer="glorot_uniform",
            kernel_regularizer=tf.keras.regularizers.L2(args.weight_decay / 2.0) if args.weight_decay > 0 else None,
            name="Logits")
        logits_layer.build((None, args.embedding_size))
        optimizer = tf.keras.optimizers.Adam(learning_rate=args.learning_rate, beta_1=0.9, beta_2=0.999, epsilon=0.1)
        train_vars = model.trainable_variables + logits_layer.trainable_variables
        optimizer.build(train_vars)

        @tf.function(jit_compile=args.jit_compile)
        def train_step(x, y):
            with tf.GradientTape() as tape:
                prelogits, _ = model(x, training=True)
                logits = logits_layer(prelogits)
                ce = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
                reg = tf.add_n(model.losses + logits_layer.losses) if (model.losses or logits_layer.losses) else 0.0
                loss = ce + reg
            grads = tape.gradient(loss, train_vars)
            optimizer.apply_gradients(zip(grads, train_vars))
            return loss

        t_trace = time.perf_counter()
        for _ in range(max(args.warmup, 1)):
            loss = train_step(pixels, labels).numpy()
        warm = time.perf_counter() - t_trace
        t0 = time.perf_counter()
        for _ in range(args.steps):
            loss = train_step(pixels, labels).numpy()
        dt = time.perf_counter() - t0
        if not np.isfinite(loss):
            print("warning: training loss is not finite: %r" % loss, file=sys.stderr)
        results["train_img_s"] = args.steps * b / dt
        print("# python-tf train: %d warm-up step(s) incl. tracing %.1f s, %d timed step(s) %.2f s, last loss %.4f"
              % (max(args.warmup, 1), warm, args.steps, dt, loss), file=sys.stderr)

    # one concrete function for every batch size (XLA, with --jit-compile, still compiles once per shape)
    @tf.function(jit_compile=args.jit_compile,
                 input_signature=[tf.TensorSpec([None, args.image_size, args.image_size, 3], tf.float32)])
    def embed(x):
        return model(x, training=False)[1]

    for _ in range(max(args.warmup, 1)):
        embed(pixels).numpy()
    t0 = time.perf_counter()
    for _ in range(args.steps):
        e = embed(pixels).numpy()
    dt = time.perf_counter() - t0
    results["embed_img_s"] = args.steps * b / dt
    norm = float(np.linalg.norm(e[0]))
    # The bfloat16 rewrite also takes Keras' L2 normalisation (its Square/Sum/Rsqrt follow their bfloat16 input).
    assert e.shape == (b, args.embedding_size) and abs(norm - 1) < (1e-2 if args.bfloat16 else 1e-3), norm

    if args.jpeg_dir:
        files = list_images(args.jpeg_dir)
        if not files:
            print("error: no .jpg/.jpeg/.png below %s" % args.jpeg_dir, file=sys.stderr)
            return 2

        def load(path):
            img = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
            h, w = tf.shape(img)[0], tf.shape(img)[1]
            side = tf.minimum(h, w)
            img = tf.image.crop_to_bounding_box(img, (h - side) // 2, (w - side) // 2, side, side)
            img = tf.image.resize(tf.cast(img, tf.float32), (s, s), method="bilinear", antialias=True)
            return tf.ensure_shape(img, (s, s, 3))

        # warm the JPEG batch shapes too (they matter for XLA)
        jb = args.jpeg_batch_size
        warm = tf.constant(rng.integers(0, 256, size=(min(jb, len(files)), s, s, 3)).astype(np.float32))
        embed(warm).numpy()
        if len(files) % jb:
            embed(warm[: len(files) % jb]).numpy()
        t0 = time.perf_counter()
        ds = (tf.data.Dataset.from_tensor_slices(files)
              .map(load, num_parallel_calls=args.decode_threads, deterministic=True)
              .batch(jb).prefetch(2))
        n = 0
        for batch in ds:
            n += embed(batch).numpy().shape[0]
        dt = time.perf_counter() - t0
        results["embed_jpeg_img_s"] = n / dt
        print("# python-tf jpeg: %d image(s) from %s in %.2f s (tf.data, %d decode threads, batch %d)"
              % (n, args.jpeg_dir, dt, args.decode_threads, jb), file=sys.stderr)

    fields = ["peer=python-tf"] + ["%s=%.2f" % (k, v) for k, v in results.items()] + [
        "params=%d" % params, "image_size=%d" % s, "batch=%d" % b, "steps=%d" % args.steps,
        "warmup=%d" % args.warmup, "threads=%d" % args.threads, "jit=%d" % int(args.jit_compile),
        "bfloat16=%d" % int(args.bfloat16), "tf=%s" % tf.__version__]
    print(" ".join(fields))
    return 0


if __name__ == "__main__":
    sys.exit(main())

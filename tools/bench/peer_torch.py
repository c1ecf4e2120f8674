#!/usr/bin/env python3
"""Peer benchmark: facenet-pytorch's InceptionResnetV1 (timesler/facenet-pytorch) in PyTorch on the CPU.

Measurement only: not a dependency of facenet-java, its build or its CI. tools/bench/peers.sh runs it next to
`tools/facenet bench` and tools/bench/peer_tf.py.

Install:  pip install /opt/wheels/torch-*+cpu-*.whl   (the local CPU wheel; a bare `pip install torch` may pick
          a CUDA build whose nvidia-* dependencies cannot be had here), and Pillow for --jpeg-dir.

facenet-pytorch is not pip-installable here, and its code is not part of this repository. Put its model file in
tools/bench/.cache/ (ignored by git, see tools/bench/.gitignore), e.g. from a bare mirror of the repository:
    mkdir -p tools/bench/.cache
    git --git-dir=<mirror of timesler/facenet-pytorch> show HEAD:models/inception_resnet_v1.py \
        > tools/bench/.cache/inception_resnet_v1.py
(or `git clone https://github.com/timesler/facenet-pytorch` anywhere and pass --facenet-pytorch CLONE/models).
The file is loaded as is; its relative import of utils.download (used only for pretrained weights, which this
script never loads) is satisfied by a stub, and so is `requests` if it is not installed.

The model is InceptionResnetV1(classify=True, num_classes=--classes, dropout_prob=0.2) in train mode, Adam
(lr 1e-4, betas 0.9/0.999, eps 0.1, weight_decay 5e-4 as L2 added to the gradients), cross-entropy over the
logits, inputs standardised as facenet, (x - 127.5) / 128, in the timed step. Its differences from
davidsandberg/facenet's inception_resnet_v1.py (and from facenet-java and peer_tf.py):
  * every batch norm is affine (gamma and beta; facenet's slim batch norm has beta only) with momentum 0.1
    (decay 0.9; facenet 0.995), eps 0.001: 14,800 more trainable parameters (printed: 23,482,624 at 512-D
    without the logits, vs 23,467,824);
  * dropout_prob defaults to 0.6 there (keep 0.4); this script passes 0.2 (facenet's keep 0.8);
  * channels first (NCHW), PyTorch's default init (kaiming uniform) instead of Xavier, weight decay applied to all
    parameters (slim: weights only), no input standardisation inside the model (done here, as its fixed_image_
    standardization), explicit symmetric padding (same as TF's SAME for these odd, stride-1 kernels);
  * in classify mode forward() returns logits of the batch-normed bottleneck (the pre-logits), as facenet does;
    for the embedding measurement the script sets classify=False and eval(), so forward() returns the
    L2-normalised 512-D embeddings.
Architecture otherwise identical (same blocks, scales, channels, 1x1 up-convolutions with bias, Bottleneck linear
without bias + BatchNorm1d).

Reduced models (--width W --depth D --embedding-size E, any of them not 1, 1, 512; or --scaled-model): facenet-
pytorch's model has fixed channels, so the script then builds tools/bench/peer_torch_model.py's
ScaledInceptionResnetV1 instead (its own module; the .cache file is not needed): facenet-pytorch's modules with
every channel count max(1, Math.round(c * W)) and every repeat count max(1, Math.round(r * D)) as facenet-java's
BackboneConfig computes them (float32 product, round half up), the same residual scales (0.17, 0.10, 0.20, 1.0),
Mixed_6a's (k, l, m, n) = c(192, 192, 256, 384), the same Bottleneck. The synthetic preset's size (96 px, width 0.5,
depth 0.2, 128-D) gives repeats 1-2-1, stem channels 16/16/32/40/96/128, 448 after Mixed_6a, 896 after Mixed_7a.
Parameter check (--params-only, 2026-12-02): the count without the batch-norm gammas equals facenet-java's, as
peer_torch_model.java_param_count counts it from InceptionResNetV1.java and Layers.java, logits excluded:
  * width 0.5, depth 0.2, 128-D: 2,699,160 (2,702,464 with the 3,304 gammas); facenet-java's own training logs of
    the quick preset print 2,737,560 (arcface, 300 identities, 128 x 300 weights) and 2,737,860 (softmax, + 300
    biases), i.e. 2,699,160 + its logits; its bench row adds the 100-class softmax logits, 12,900: 2,712,060;
  * width 1, depth 1: 23,467,824 at 512-D and 22,779,312 at 128-D (the 23.47 M and 22.78 M that
    InceptionResNetV1.reference() and README.md state); at 1, 1, 512 with --scaled-model the state_dict has
    facenet-pytorch's keys and shapes in its order, and facenet-pytorch's weights loaded into it give identical
    logits and embeddings (checked by hand on 2 random 96-px images).
What still differs from facenet-java in the reduced model is what differs for the full-size one above: affine
batch norm (the gammas) with momentum 0.1 (facenet-java: decay 0.995, i.e. momentum 0.005), PyTorch's default
init (kaiming uniform; facenet-java: Xavier uniform, zero biases and betas), weight decay on every parameter
(facenet-java: an L2 loss on the weights only), NCHW, and explicit symmetric padding (TF's SAME at stride 1).
Dropout 0.2 (keep 0.8), Adam (eps 0.1), lr 1e-4 and the 100-class softmax logits with bias are the same.
(facenet-java's embed_img_s runs its exported graph, batch norms folded into the convolutions; this script's
eval() model keeps them, at any size.)

Measurements (warm-up excluded, random pixels 0..255 fixed once, like facenet-java's Benchmark):
  * train_img_s: forward + backward + Adam step in train mode (loss.item() each step);
  * embed_img_s: eval mode under torch.inference_mode(), classify=False;
  * embed_jpeg_img_s (with --jpeg-dir): every .jpg/.jpeg/.png below the folder decoded with PIL, centre square
    cropped and resized (PIL bilinear) to --image-size, batched by a torch DataLoader with --decode-threads worker
    processes (0: decoded in the main process, in a plain loop), then embedded; the clock covers the whole folder,
    worker start-up included; the model is warmed on random pixels beforehand.
Run it on an idle machine: PyTorch's OpenMP threads spin and collapse when other processes take the cores
(observed: --threads 2 about 25 x slower than --threads 1 while another job ran), and with --jpeg-dir the
DataLoader's decode processes compete with those threads too (--decode-threads 0 decodes in the main process).
Output: one parseable line, e.g.
  peer=python-torch train_img_s=12.3 embed_img_s=45.6 embed_jpeg_img_s=40.1 params=23482624 ...

Usage:
  python3 tools/bench/peer_torch.py --image-size 160 --batch-size 32 --steps 10 --warmup 3 --threads 2 \
      [--jpeg-dir /tmp/facenet-peers/jpeg] [--facenet-pytorch DIR] [--channels-last]
  python3 tools/bench/peer_torch.py --width 0.5 --depth 0.2 --embedding-size 128 --image-size 96 --batch-size 64
"""
import argparse
import importlib.util
import os
import sys
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.join(HERE, ".cache")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--facenet-pytorch", metavar="DIR", default=DEFAULT_DIR,
                   help="folder holding facenet-pytorch's inception_resnet_v1.py (default: tools/bench/.cache)")
    p.add_argument("--image-size", type=int, default=160)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--steps", type=int, default=10, help="timed steps (default 10)")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps first (default 3)")
    p.add_argument("--threads", type=int, default=0,
                   help="torch.set_num_threads (and interop threads); 0: PyTorch decides (default)")
    p.add_argument("--classes", type=int, default=100,
                   help="softmax classes (default 100, as facenet-java's Benchmark)")
    p.add_argument("--width", type=float, default=1.0,
                   help="channel multiplier, as facenet-java's --width (default 1: facenet-pytorch's own model)")
    p.add_argument("--depth", type=float, default=1.0,
                   help="repeat multiplier of the repeated blocks, as facenet-java's --depth (default 1)")
    p.add_argument("--embedding-size", type=int, default=512, help="bottleneck width (default 512)")
    p.add_argument("--scaled-model", action="store_true",
                   help="use tools/bench/peer_torch_model.py's scaled model even at width 1, depth 1, 512-D (it is "
                        "chosen by itself for any other width, depth or embedding size)")
    p.add_argument("--learning-rate", type=float, default=1e-4)
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--channels-last", action="store_true", help="NHWC memory format (not facenet-pytorch's default)")
    p.add_argument("--jpeg-dir", help="also measure decode + resize + embed over every image below this folder")
    p.add_argument("--jpeg-batch-size", type=int, default=64, help="(default 64, as tools/facenet-embed)")
    p.add_argument("--decode-threads", type=int, default=2,
                   help="DataLoader worker processes for decoding; 0: the main process (default 2)")
    p.add_argument("--bfloat16", action="store_true",
                   help="embed under torch.autocast('cpu', dtype=torch.bfloat16) (the training step stays float32)")
    p.add_argument("--no-train", action="store_true", help="skip the training measurement")
    p.add_argument("--params-only", action="store_true", help="print the parameter count and exit")
    return p.parse_args(argv)


def load_facenet_pytorch(folder):
    """facenet-pytorch's models/inception_resnet_v1.py, loaded without the rest of the package."""
    path = os.path.join(folder, "inception_resnet_v1.py")
    if not os.path.isfile(path):
        sys.exit("error: %s not found; put facenet-pytorch's models/inception_resnet_v1.py there (see the "
                 "docstring: git show HEAD:models/inception_resnet_v1.py from a mirror) or pass --facenet-pytorch"
                 % path)
    try:
        import requests  # noqa: F401  (imported by the model file, used only for pretrained weights)
        import requests.adapters  # noqa: F401
    except ImportError:
        req = types.ModuleType("requests")
        req.adapters = types.ModuleType("requests.adapters")
        req.adapters.HTTPAdapter = object
        sys.modules["requests"] = req
        sys.modules["requests.adapters"] = req.adapters
    pkg = "_facenet_pytorch_models"
    for name in (pkg, pkg + ".utils"):
        m = types.ModuleType(name)
        m.__path__ = []
        sys.modules[name] = m
    download = types.ModuleType(pkg + ".utils.download")

    def no_download(*_a, **_k):
        raise RuntimeError("pretrained weights are not used by this benchmark")

    download.download_url_to_file = no_download
    sys.modules[pkg + ".utils.download"] = download
    spec = importlib.util.spec_from_file_location(pkg + ".inception_resnet_v1", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod, path


def list_images(root):
    out = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.lower().endswith((".jpg", ".jpeg", ".png")):
                out.append(os.path.join(dirpath, f))
    return sorted(out)


class ImageFolderFlat:
    """Map-style data set: path -> float32 CHW tensor 0..255, centre square resized to size (PIL bilinear)."""

    def __init__(self, files, size):
        self.files, self.size = files, size

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        import numpy as np
        import torch
        from PIL import Image
        with Image.open(self.files[i]) as im:
            im = im.convert("RGB")
            w, h = im.size
            side = min(w, h)
            left, top = (w - side) // 2, (h - side) // 2
            im = im.resize((self.size, self.size), Image.BILINEAR, box=(left, top, left + side, top + side))
            a = np.asarray(im, dtype=np.float32)
        return torch.from_numpy(a).permute(2, 0, 1)


def main(argv=None):
    args = parse_args(argv)
    import numpy as np
    import torch

    if args.threads > 0:
        torch.set_num_threads(args.threads)
        try:
            torch.set_num_interop_threads(args.threads)
        except RuntimeError:
            pass
    torch.manual_seed(1)
    scaled = args.scaled_model or (args.width, args.depth, args.embedding_size) != (1.0, 1.0, 512)
    sys.path.insert(0, HERE)
    import peer_torch_model as ptm
    java_params = ptm.java_param_count(args.width, args.depth, args.embedding_size)
    if scaled:
        model = ptm.ScaledInceptionResnetV1(args.width, args.depth, args.embedding_size, num_classes=args.classes,
                                            dropout_prob=0.2)
        path = "peer_torch_model.ScaledInceptionResnetV1(width %g, depth %g, %d-D; repeats %d-%d-%d)" % (
            args.width, args.depth, args.embedding_size, *model.repeats)
    else:
        irv1, path = load_facenet_pytorch(args.facenet_pytorch)
        model = irv1.InceptionResnetV1(classify=True, num_classes=args.classes, dropout_prob=0.2)
    fmt = torch.channels_last if args.channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    params_all = sum(p.numel() for p in model.parameters() if p.requires_grad)
    params = params_all - sum(p.numel() for p in model.logits.parameters())
    gammas = sum(m.weight.numel() for m in model.modules()
                 if isinstance(m, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)) and m.weight is not None)
    moving = sum(b.numel() for n, b in model.named_buffers() if n.endswith(("running_mean", "running_var")))
    print("# python-torch: PyTorch %s, %s; trainable parameters (logits excluded) %d, of which batch-norm gammas "
          "%d (%d without them), batch-norm running statistics %d; threads %d"
          % (torch.__version__, path, params, gammas, params - gammas, moving, torch.get_num_threads()),
          file=sys.stderr)
    match = int(params - gammas == java_params)
    print("# python-torch: facenet-java's count for width %g, depth %g, %d-D (peer_torch_model.java_param_count, "
          "logits excluded): %d, %s the count without the gammas"
          % (args.width, args.depth, args.embedding_size, java_params, "equal to" if match else "NOT equal to"),
          file=sys.stderr)
    if args.params_only:
        print("peer=python-torch params=%d params_without_bn_gamma=%d java_params=%d match=%d moving=%d"
              % (params, params - gammas, java_params, match, moving))
        return 0

    step_model = model
    rng = np.random.default_rng(1)
    b, s = args.batch_size, args.image_size
    pixels = torch.from_numpy(rng.integers(0, 256, size=(b, 3, s, s)).astype(np.float32)).contiguous(
        memory_format=fmt)
    labels = torch.from_numpy(np.arange(b, dtype=np.int64) % args.classes)
    results = {}

    def standardize(x):
        return (x - 127.5) / 128.0

    if not args.no_train:
        model.train()
        model.classify = True
        opt = torch.optim.Adam(model.parameters(), lr=args.learning_rate, betas=(0.9, 0.999), eps=0.1,
                               weight_decay=args.weight_decay)
        loss_fn = torch.nn.CrossEntropyLoss()

        def step():
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(step_model(standardize(pixels)), labels)
            loss.backward()
            opt.step()
            return loss.item()

        t = time.perf_counter()
        for _ in range(max(args.warmup, 1)):
            loss = step()
        warm = time.perf_counter() - t
        t0 = time.perf_counter()
        for _ in range(args.steps):
            loss = step()
        dt = time.perf_counter() - t0
        results["train_img_s"] = args.steps * b / dt
        print("# python-torch train: %d warm-up step(s) %.1f s, %d timed step(s) %.2f s, last loss %.4f"
              % (max(args.warmup, 1), warm, args.steps, dt, loss), file=sys.stderr)

    model.eval()
    model.classify = False  # forward() then returns F.normalize(last_bn(...)): the embeddings
    embed_model = model

    def embed(x):
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bfloat16):
            return embed_model(standardize(x)).float().numpy()

    for _ in range(max(args.warmup, 1)):
        embed(pixels)
    t0 = time.perf_counter()
    for _ in range(args.steps):
        e = embed(pixels)
    dt = time.perf_counter() - t0
    results["embed_img_s"] = args.steps * b / dt
    assert e.shape == (b, args.embedding_size) and abs(float(np.linalg.norm(e[0])) - 1) < 1e-3

    if args.jpeg_dir:
        files = list_images(args.jpeg_dir)
        if not files:
            print("error: no .jpg/.jpeg/.png below %s" % args.jpeg_dir, file=sys.stderr)
            return 2
        jb = args.jpeg_batch_size
        embed(torch.rand(min(jb, len(files)), 3, s, s).mul(255).contiguous(memory_format=fmt))
        t0 = time.perf_counter()
        loader = torch.utils.data.DataLoader(ImageFolderFlat(files, s), batch_size=jb, shuffle=False,
                                             num_workers=args.decode_threads, prefetch_factor=2 if
                                             args.decode_threads > 0 else None)
        n = 0
        for batch in loader:
            n += embed(batch.contiguous(memory_format=fmt)).shape[0]
        dt = time.perf_counter() - t0
        results["embed_jpeg_img_s"] = n / dt
        how = ("DataLoader, %d worker processes" % args.decode_threads if args.decode_threads > 0
               else "plain loop in the main process")
        print("# python-torch jpeg: %d image(s) from %s in %.2f s (PIL, %s, batch %d)"
              % (n, args.jpeg_dir, dt, how, jb), file=sys.stderr)

    fields = ["peer=python-torch"] + ["%s=%.2f" % (k, v) for k, v in results.items()] + [
        "params=%d" % params, "params_without_bn_gamma=%d" % (params - gammas), "java_params=%d" % java_params,
        "width=%g" % args.width, "depth=%g" % args.depth, "embedding_size=%d" % args.embedding_size,
        "image_size=%d" % s, "batch=%d" % b, "steps=%d" % args.steps,
        "warmup=%d" % args.warmup, "threads=%d" % torch.get_num_threads(),
        "channels_last=%d" % int(args.channels_last), "bfloat16=%d" % int(args.bfloat16), "torch=%s" % torch.__version__]
    print(" ".join(fields))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A width/depth-scaled Inception-ResNet-v1 in PyTorch that mirrors facenet-java's org.facenet.nn.InceptionResNetV1.

Measurement only (tools/bench/peer_torch.py --width/--depth/--embedding-size); not part of facenet-java.

Written in the style of timesler/facenet-pytorch's models/inception_resnet_v1.py (BasicConv2d = conv without bias +
BatchNorm2d(eps 0.001, momentum 0.1, affine) + ReLU; Block35 / Mixed_6a / Block17 / Mixed_7a / Block8, each residual
block merged by a 1x1 convolution with bias back to its input's channels, scaled, added and (but for the last
Block8) ReLU'd; average pool, dropout, Linear without bias + BatchNorm1d), but with every channel count passed
through facenet-java's BackboneConfig.channels, max(1, Math.round(c * width)), and every repeat count through
BackboneConfig.repeats, max(1, Math.round(r * depth)), both in Java float arithmetic: the product is rounded to
float32 and Math.round(float) is floor(x + 0.5) (round half up), not Python's round() (half to even).
At width 1, depth 1, 512-D it is facenet-pytorch's network (same modules, same parameter count).

java_param_count() is a separate count of facenet-java's trainable variables for a configuration, read from
InceptionResNetV1.java and Layers.java (conv weights kh*kw*cin*cout + batch-norm beta cout, no gamma; the 1x1
up-convolutions' weights + biases; Bottleneck weights cin*E + beta E), logits excluded: peer_torch.py compares it
with the PyTorch model's count without the batch-norm gammas.
"""
import math
import struct

import torch
from torch import nn
from torch.nn import functional as F


def f32(x):
    """x rounded to float32, as Java holds a float."""
    return struct.unpack("<f", struct.pack("<f", float(x)))[0]


def java_round(x):
    """Java's Math.round(float): floor(x + 0.5), exact in float64 for a float32 x."""
    return int(math.floor(x + 0.5))


class Scale:
    """facenet-java's BackboneConfig.channels / repeats for one width and depth (floats, as Java parses them)."""

    def __init__(self, width=1.0, depth=1.0):
        self.width, self.depth = f32(width), f32(depth)

    def c(self, channels):
        return max(1, java_round(f32(channels * self.width)))

    def r(self, repeats):
        return max(1, java_round(f32(repeats * self.depth)))


class BasicConv2d(nn.Module):
    def __init__(self, cin, cout, kernel_size, stride=1, padding=0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size=kernel_size, stride=stride, padding=padding, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=0.001, momentum=0.1, affine=True)
        self.relu = nn.ReLU(inplace=False)

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class _Residual(nn.Module):
    """out = x + scale * up(cat(branches(x))), then ReLU unless no_relu; up (conv2d) is made after the branches,
    as in facenet-pytorch, so that the state_dict's order is the same."""

    def __init__(self, scale, no_relu=False):
        super().__init__()
        self.scale, self.no_relu = scale, no_relu

    def up(self, mixed, cin):
        self.conv2d = nn.Conv2d(mixed, cin, kernel_size=1, stride=1)
        if not self.no_relu:
            self.relu = nn.ReLU(inplace=False)

    def merge(self, x, *branches):
        out = self.conv2d(torch.cat(branches, 1)) * self.scale + x
        return out if self.no_relu else self.relu(out)


class Block35(_Residual):
    def __init__(self, s, cin, scale):
        c32 = s.c(32)
        super().__init__(scale)
        self.branch0 = BasicConv2d(cin, c32, 1)
        self.branch1 = nn.Sequential(BasicConv2d(cin, c32, 1), BasicConv2d(c32, c32, 3, padding=1))
        self.branch2 = nn.Sequential(BasicConv2d(cin, c32, 1), BasicConv2d(c32, c32, 3, padding=1),
                                     BasicConv2d(c32, c32, 3, padding=1))
        self.up(3 * c32, cin)

    def forward(self, x):
        return self.merge(x, self.branch0(x), self.branch1(x), self.branch2(x))


class Block17(_Residual):
    def __init__(self, s, cin, scale):
        c128 = s.c(128)
        super().__init__(scale)
        self.branch0 = BasicConv2d(cin, c128, 1)
        self.branch1 = nn.Sequential(BasicConv2d(cin, c128, 1), BasicConv2d(c128, c128, (1, 7), padding=(0, 3)),
                                     BasicConv2d(c128, c128, (7, 1), padding=(3, 0)))
        self.up(2 * c128, cin)

    def forward(self, x):
        return self.merge(x, self.branch0(x), self.branch1(x))


class Block8(_Residual):
    def __init__(self, s, cin, scale, no_relu=False):
        c192 = s.c(192)
        super().__init__(scale, no_relu)
        self.branch0 = BasicConv2d(cin, c192, 1)
        self.branch1 = nn.Sequential(BasicConv2d(cin, c192, 1), BasicConv2d(c192, c192, (1, 3), padding=(0, 1)),
                                     BasicConv2d(c192, c192, (3, 1), padding=(1, 0)))
        self.up(2 * c192, cin)

    def forward(self, x):
        return self.merge(x, self.branch0(x), self.branch1(x))


class Mixed_6a(nn.Module):
    """Reduction A with (k, l, m, n) = c(192), c(192), c(256), c(384); out channels n + m + cin."""

    def __init__(self, s, cin):
        super().__init__()
        k, lw, m, n = s.c(192), s.c(192), s.c(256), s.c(384)
        self.branch0 = BasicConv2d(cin, n, 3, stride=2)
        self.branch1 = nn.Sequential(BasicConv2d(cin, k, 1), BasicConv2d(k, lw, 3, padding=1),
                                     BasicConv2d(lw, m, 3, stride=2))
        self.branch2 = nn.MaxPool2d(3, stride=2)
        self.out_channels = n + m + cin

    def forward(self, x):
        return torch.cat((self.branch0(x), self.branch1(x), self.branch2(x)), 1)


class Mixed_7a(nn.Module):
    """Reduction B; out channels c(384) + c(256) + c(256) + cin."""

    def __init__(self, s, cin):
        super().__init__()
        c256, c384 = s.c(256), s.c(384)
        self.branch0 = nn.Sequential(BasicConv2d(cin, c256, 1), BasicConv2d(c256, c384, 3, stride=2))
        self.branch1 = nn.Sequential(BasicConv2d(cin, c256, 1), BasicConv2d(c256, c256, 3, stride=2))
        self.branch2 = nn.Sequential(BasicConv2d(cin, c256, 1), BasicConv2d(c256, c256, 3, padding=1),
                                     BasicConv2d(c256, c256, 3, stride=2))
        self.branch3 = nn.MaxPool2d(3, stride=2)
        self.out_channels = c384 + 2 * c256 + cin

    def forward(self, x):
        return torch.cat((self.branch0(x), self.branch1(x), self.branch2(x), self.branch3(x)), 1)


class ScaledInceptionResnetV1(nn.Module):
    """facenet-java's InceptionResNetV1 at (width, depth, embedding_size); the interface of facenet-pytorch's
    InceptionResnetV1(classify=True, num_classes=...): .classify, .logits, forward() -> logits or unit embeddings."""

    def __init__(self, width=1.0, depth=1.0, embedding_size=512, num_classes=100, dropout_prob=0.2, classify=True):
        super().__init__()
        s = self.scale_cfg = Scale(width, depth)
        self.classify = classify
        c = s.c
        self.conv2d_1a = BasicConv2d(3, c(32), 3, stride=2)
        self.conv2d_2a = BasicConv2d(c(32), c(32), 3)
        self.conv2d_2b = BasicConv2d(c(32), c(64), 3, padding=1)
        self.maxpool_3a = nn.MaxPool2d(3, stride=2)
        self.conv2d_3b = BasicConv2d(c(64), c(80), 1)
        self.conv2d_4a = BasicConv2d(c(80), c(192), 3)
        self.conv2d_4b = BasicConv2d(c(192), c(256), 3, stride=2)
        ch = c(256)
        self.repeat_1 = nn.Sequential(*[Block35(s, ch, 0.17) for _ in range(s.r(5))])
        self.mixed_6a = Mixed_6a(s, ch)
        ch = self.mixed_6a.out_channels
        self.repeat_2 = nn.Sequential(*[Block17(s, ch, 0.10) for _ in range(s.r(10))])
        self.mixed_7a = Mixed_7a(s, ch)
        ch = self.mixed_7a.out_channels
        self.repeat_3 = nn.Sequential(*[Block8(s, ch, 0.20) for _ in range(s.r(5))])
        self.block8 = Block8(s, ch, 1.0, no_relu=True)
        self.avgpool_1a = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout_prob)
        self.last_linear = nn.Linear(ch, embedding_size, bias=False)
        self.last_bn = nn.BatchNorm1d(embedding_size, eps=0.001, momentum=0.1, affine=True)
        self.logits = nn.Linear(embedding_size, num_classes)
        self.repeats = (s.r(5), s.r(10), s.r(5))

    def forward(self, x):
        for m in (self.conv2d_1a, self.conv2d_2a, self.conv2d_2b, self.maxpool_3a, self.conv2d_3b, self.conv2d_4a,
                  self.conv2d_4b, self.repeat_1, self.mixed_6a, self.repeat_2, self.mixed_7a, self.repeat_3,
                  self.block8, self.avgpool_1a, self.dropout):
            x = m(x)
        x = self.last_bn(self.last_linear(x.view(x.shape[0], -1)))
        return self.logits(x) if self.classify else F.normalize(x, p=2, dim=1)


def java_param_count(width=1.0, depth=1.0, embedding_size=512):
    """facenet-java's trainable parameters of InceptionResNetV1 (logits excluded), counted as its code creates them:
    Layers.conv with batch norm: weights kh*kw*cin*cout + BatchNorm/beta cout (no gamma: BatchNormConfig.FACENET has
    scale false); Layers.scaledResidual: a 1x1 conv without batch norm, weights + biases; Bottleneck: Layers.dense
    with batch norm, weights cin*E + beta E."""
    s = Scale(width, depth)
    c = s.c
    n = [0]

    def conv(cin, cout, kh, kw=None):
        n[0] += kh * (kw or kh) * cin * cout + cout
        return cout

    def up(mixed, cout):
        n[0] += mixed * cout + cout

    # stem
    ch = conv(3, c(32), 3)
    ch = conv(ch, c(32), 3)
    ch = conv(ch, c(64), 3)
    ch = conv(ch, c(80), 1)
    ch = conv(ch, c(192), 3)
    ch = conv(ch, c(256), 3)
    for _ in range(s.r(5)):  # block35
        conv(ch, c(32), 1)
        conv(ch, c(32), 1), conv(c(32), c(32), 3)
        conv(ch, c(32), 1), conv(c(32), c(32), 3), conv(c(32), c(32), 3)
        up(3 * c(32), ch)
    k, lw, m, nn_ = c(192), c(192), c(256), c(384)  # Mixed_6a
    conv(ch, nn_, 3)
    conv(ch, k, 1), conv(k, lw, 3), conv(lw, m, 3)
    ch = nn_ + m + ch
    for _ in range(s.r(10)):  # block17
        conv(ch, c(128), 1)
        conv(ch, c(128), 1), conv(c(128), c(128), 1, 7), conv(c(128), c(128), 7, 1)
        up(2 * c(128), ch)
    conv(ch, c(256), 1), conv(c(256), c(384), 3)  # Mixed_7a
    conv(ch, c(256), 1), conv(c(256), c(256), 3)
    conv(ch, c(256), 1), conv(c(256), c(256), 3), conv(c(256), c(256), 3)
    ch = c(384) + 2 * c(256) + ch
    for _ in range(s.r(5) + 1):  # block8 x repeats, then the final Block8
        conv(ch, c(192), 1)
        conv(ch, c(192), 1), conv(c(192), c(192), 1, 3), conv(c(192), c(192), 3, 1)
        up(2 * c(192), ch)
    n[0] += ch * embedding_size + embedding_size  # Bottleneck weights + BatchNorm/beta
    return n[0]

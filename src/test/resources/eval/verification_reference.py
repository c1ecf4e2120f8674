#!/usr/bin/env python3
"""Independent reference figures for org.facenet.eval.VerificationTest.

Re-implements davidsandberg/facenet's lfw.evaluate / facenet.calculate_roc / facenet.calculate_val and the
AUC / EER lines of validate_on_lfw.py with numpy, scikit-learn (KFold, metrics.auc) and scipy (interp1d, brentq),
in float64, on the fixed inputs that VerificationTest rebuilds in Java. Run:  python3 verification_reference.py

scipy note: facenet calls interp1d(far_train, thresholds, kind='slinear') with a non-decreasing far_train full of
repeated values. Current scipy raises "Expect x to not have duplicates" there; the releases facenet was written
against built the degree-1 B-spline with knots r_[x[0], x, x[-1]] and coefficients y (after a stable argsort),
which is reproduced by slinear_old_scipy() below (it checks itself against interp1d when x has no duplicates).
"""
import math

import numpy as np
from scipy import interpolate
from scipy.interpolate import BSpline
from scipy.optimize import brentq
from sklearn import metrics
from sklearn.model_selection import KFold


def slinear_old_scipy(x, y):
    ind = np.argsort(x, kind="mergesort")
    x = np.asarray(x, dtype=float)[ind]
    y = np.asarray(y, dtype=float)[ind]
    spline = BSpline.construct_fast(np.r_[x[0], x, x[-1]], y, 1)
    if np.all(np.diff(x) > 0):
        check = interpolate.interp1d(x, y, kind="slinear")
        probe = np.linspace(x[0], x[-1], 17)
        assert np.allclose(check(probe), spline(probe), rtol=0, atol=1e-12)

    def f(q):
        assert x[0] <= q <= x[-1]
        if q == x[-1]:
            # documented deviation (see Verification javadoc): last y of the run, as np.interp
            return y[-1]
        return float(spline(q))
    return f


def distance(e1, e2, metric):
    if metric == 0:
        return np.sum(np.square(e1 - e2), 1)
    dot = np.sum(e1 * e2, axis=1)
    norm = np.linalg.norm(e1, axis=1) * np.linalg.norm(e2, axis=1)
    return np.arccos(np.clip(dot / norm, -1.0, 1.0)) / math.pi


def accuracy_at(threshold, dist, issame):
    predict = np.less(dist, threshold)
    tp = np.sum(np.logical_and(predict, issame))
    fp = np.sum(np.logical_and(predict, np.logical_not(issame)))
    tn = np.sum(np.logical_and(np.logical_not(predict), np.logical_not(issame)))
    fn = np.sum(np.logical_and(np.logical_not(predict), issame))
    tpr = 0 if tp + fn == 0 else float(tp) / float(tp + fn)
    fpr = 0 if fp + tn == 0 else float(fp) / float(fp + tn)
    return tpr, fpr, float(tp + tn) / dist.size


def val_far_at(threshold, dist, issame):
    predict = np.less(dist, threshold)
    ta = np.sum(np.logical_and(predict, issame))
    fa = np.sum(np.logical_and(predict, np.logical_not(issame)))
    return float(ta) / float(np.sum(issame)), float(fa) / float(np.sum(np.logical_not(issame)))


def fold_distances(e1, e2, folds, metric, subtract_mean, precomputed=None):
    n = len(e1) if precomputed is None else len(precomputed)
    for train, test in KFold(n_splits=folds, shuffle=False).split(np.arange(n)):
        if precomputed is not None:
            yield train, test, precomputed
            continue
        mean = np.mean(np.concatenate([e1[train], e2[train]]), axis=0) if subtract_mean else 0.0
        yield train, test, distance(e1 - mean, e2 - mean, metric)


def evaluate(issame, folds, far_target, e1=None, e2=None, metric=0, subtract_mean=False, dists=None):
    issame = np.asarray(issame)
    thresholds = np.arange(0, 4, 0.01)
    tprs = np.zeros((folds, len(thresholds)))
    fprs = np.zeros((folds, len(thresholds)))
    acc = np.zeros(folds)
    best = np.zeros(folds)
    for k, (train, test, dist) in enumerate(fold_distances(e1, e2, folds, metric, subtract_mean, dists)):
        acc_train = np.array([accuracy_at(t, dist[train], issame[train])[2] for t in thresholds])
        b = np.argmax(acc_train)
        best[k] = thresholds[b]
        for i, t in enumerate(thresholds):
            tprs[k, i], fprs[k, i], _ = accuracy_at(t, dist[test], issame[test])
        acc[k] = accuracy_at(thresholds[b], dist[test], issame[test])[2]
    tpr = np.mean(tprs, 0)
    fpr = np.mean(fprs, 0)

    thresholds = np.arange(0, 4, 0.001)
    val = np.zeros(folds)
    far = np.zeros(folds)
    gaps = []
    for k, (train, test, dist) in enumerate(fold_distances(e1, e2, folds, metric, subtract_mean, dists)):
        far_train = np.array([val_far_at(t, dist[train], issame[train])[1] for t in thresholds])
        threshold = slinear_old_scipy(far_train, thresholds)(far_target) if np.max(far_train) >= far_target else 0.0
        gaps.append(np.min(np.abs(dist - threshold)))
        val[k], far[k] = val_far_at(threshold, dist[test], issame[test])
        grid = np.r_[np.arange(0, 4, 0.01), np.arange(0, 4, 0.001)]
        gaps.append(np.min(np.abs(dist[:, None] - grid[None, :])))

    auc = metrics.auc(fpr, tpr)
    eer = brentq(lambda x: 1. - x - interpolate.interp1d(fpr, tpr)(x), 0., 1.)
    return dict(accuracyMean=np.mean(acc), accuracyStd=np.std(acc), valMean=np.mean(val), valStd=np.std(val),
                farMean=np.mean(far), bestThresholdMean=np.mean(best), auc=auc, eer=eer,
                tpr=tpr, fpr=fpr, min_gap_to_thresholds=min(gaps))


# ---------------------------------------------------------------- fixed inputs (rebuilt identically in Java)

def separable():
    n = 40
    same = [i % 2 == 0 for i in range(n)]
    d = [0.05 + 0.02 * (i % 7) if same[i] else 2.0 + 0.1 * (i % 9) for i in range(n)]
    return np.array(d), same


def hashed_value(i, k, c):
    # a quadratic residue hash in [-0.5, 0.5); integer arithmetic stays below 2**63 (Java long)
    h = (i * 7919 + k * 104729 + c * 1299709) % 1000003
    return ((h * h) % 1000003) / 1000003.0 - 0.5


def normalized(v):
    s = 0.0
    for x in v:  # sequential sum, as in Java
        s += x * x
    norm = math.sqrt(s)
    return [np.float32(x / norm) for x in v]


def hashed_embeddings(n=103, dim=8):
    same = [((i * i * 31 + 7 * i) % 13) < 6 for i in range(n)]
    e1, e2 = [], []
    for i in range(n):
        a = [hashed_value(i, k, 1) for k in range(dim)]
        if same[i]:
            b = [a[k] + 1.6 * hashed_value(i, k, 2) for k in range(dim)]
        else:
            b = [hashed_value(i, k, 3) for k in range(dim)]
        e1.append(normalized(a))
        e2.append(normalized(b))
    # float32 values, evaluated in float64 like the Java code
    return np.array(e1, dtype=np.float32).astype(np.float64), np.array(e2, dtype=np.float32).astype(np.float64), same


def grid_ties():
    n = 30
    d = [(45 + (i * 7) % 11) * 0.01 for i in range(n)]
    same = [(i * 5) % 7 < 3 for i in range(n)]
    return np.array(d), same


def show(name, r, roc_idx=(0, 50, 100, 150, 200, 399)):
    print(f"== {name}")
    for key in ("accuracyMean", "accuracyStd", "valMean", "valStd", "farMean", "bestThresholdMean", "auc", "eer"):
        print(f"  {key:18s} {float(r[key])!r}")
    print("  roc tpr", {i: float(r['tpr'][i]) for i in roc_idx})
    print("  roc fpr", {i: float(r['fpr'][i]) for i in roc_idx})
    print("  min |distance - threshold| =", float(r["min_gap_to_thresholds"]))


if __name__ == "__main__":
    d, same = separable()
    show("separable, 10 folds, far 1e-3", evaluate(same, 10, 1e-3, dists=d))

    e1, e2, same = hashed_embeddings()
    print("hashed: same pairs", sum(same), "distance sums",
          float(np.sum(distance(e1, e2, 0))), float(np.sum(distance(e1, e2, 1))))
    show("hashed, SQUARED_EUCLIDEAN, 10 folds, far 1e-3", evaluate(same, 10, 1e-3, e1, e2, 0, False))
    show("hashed, ANGULAR + subtractMean, 10 folds, far 1e-3", evaluate(same, 10, 1e-3, e1, e2, 1, True))
    show("hashed, SQUARED_EUCLIDEAN + subtractMean, 7 folds, far 0.1", evaluate(same, 7, 0.1, e1, e2, 0, True))

    d, same = grid_ties()
    show("grid ties, 3 folds, far 0.05", evaluate(same, 3, 0.05, dists=d), roc_idx=(45, 48, 50, 51, 55, 56))

"""Reference values for the cluster tests, from scikit-learn (1.9.1, numpy 2.4.6).

Run: python3 sklearn_reference.py  -- prints the arrays and numbers hard-coded in the *Test.java files beside it.
The data are rounded to 3 decimals so Java reads exactly the same numbers.
"""
import numpy as np
from sklearn.cluster import DBSCAN, AgglomerativeClustering
from sklearn.metrics import normalized_mutual_info_score, silhouette_score

rng = np.random.default_rng(7)


def jarr(a, fmt="%.3f"):
    if a.ndim == 1:
        return "{" + ", ".join((fmt % v) if a.dtype.kind == "f" else str(v) for v in a) + "}"
    return "{" + ", ".join(jarr(r) for r in a) + "}"


# DBSCAN: three blobs, some in-between points and outliers, 2-D
blobs = np.concatenate([rng.normal(c, 0.25, size=(12, 2)) for c in [(0, 0), (3, 0), (0, 3)]])
extra = rng.uniform(-1.5, 4.5, size=(10, 2))
X = np.round(np.concatenate([blobs, extra]), 3)
print("DBSCAN_X =", jarr(X))
for eps, ms in [(0.5, 4), (0.5, 1), (0.8, 5)]:
    print("dbscan eps=%s min_samples=%s:" % (eps, ms), jarr(DBSCAN(eps=eps, min_samples=ms).fit(X).labels_))

# Agglomerative: 24 random 2-D points
A = np.round(rng.uniform(0, 4, size=(24, 2)), 3)
print("AGGLO_X =", jarr(A))
for t in [0.8, 1.5]:
    for link in ["average", "complete"]:
        m = AgglomerativeClustering(n_clusters=None, distance_threshold=t, linkage=link).fit(A)
        print("agglomerative t=%s %s:" % (t, link), jarr(m.labels_))

# Metrics on a small labelled clustering; noise (-1) becomes a singleton cluster each
pred = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, -1, -1, 0, 1, 2, 2])
true = np.array([0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 1, 3, 3])
p = pred.copy()
nxt = p.max() + 1
for i in range(len(p)):
    if p[i] < 0:
        p[i] = nxt
        nxt += 1
print("NMI =", repr(normalized_mutual_info_score(true, p)))


def bcubed(p, t):
    n = len(p)
    P = np.mean([np.sum((p == p[i]) & (t == t[i])) / np.sum(p == p[i]) for i in range(n)])
    R = np.mean([np.sum((p == p[i]) & (t == t[i])) / np.sum(t == t[i]) for i in range(n)])
    return P, R, 2 * P * R / (P + R)


def pairwise(p, t):
    same_p = p[:, None] == p[None, :]
    same_t = t[:, None] == t[None, :]
    iu = np.triu_indices(len(p), 1)
    tp = np.sum(same_p[iu] & same_t[iu])
    P = tp / np.sum(same_p[iu])
    R = tp / np.sum(same_t[iu])
    return P, R, 2 * P * R / (P + R)


print("BCubed P,R,F =", [repr(v) for v in bcubed(p, true)])
print("pairwise P,R,F1 =", [repr(v) for v in pairwise(p, true)])

# Silhouette (exact, all points) of the DBSCAN result above, noise as singletons
lab = DBSCAN(eps=0.5, min_samples=4).fit(X).labels_.copy()
nxt = lab.max() + 1
for i in range(len(lab)):
    if lab[i] < 0:
        lab[i] = nxt
        nxt += 1
print("silhouette(DBSCAN eps=0.5 ms=4) =", repr(silhouette_score(X, lab)))

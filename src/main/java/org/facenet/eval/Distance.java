package org.facenet.eval;

/**
 * Pair distances used for face verification, matching davidsandberg/facenet's {@code facenet.distance}.
 *
 * <p>All arithmetic is done in {@code double} (facenet computes in the embeddings' dtype, usually float32).
 */
public enum Distance {
    /** {@code sum_i (a_i - b_i)^2} (facenet {@code distance_metric=0}); in [0, 4] for unit-norm embeddings. */
    SQUARED_EUCLIDEAN {
        @Override
        double compute(double[] a, double[] b) {
            double sum = 0.0;
            for (int i = 0; i < a.length; i++) {
                double d = a[i] - b[i];
                sum += d * d;
            }
            return sum;
        }
    },
    /**
     * {@code arccos(clamp(a.b / (|a| |b|), -1, 1)) / pi} (facenet {@code distance_metric=1}, plus a clamp against
     * rounding just outside [-1, 1]); in [0, 1]. NaN if either vector has zero norm (as numpy would give).
     */
    ANGULAR {
        @Override
        double compute(double[] a, double[] b) {
            double dot = 0.0;
            double na = 0.0;
            double nb = 0.0;
            for (int i = 0; i < a.length; i++) {
                dot += a[i] * b[i];
                na += a[i] * a[i];
                nb += b[i] * b[i];
            }
            double cos = dot / (Math.sqrt(na) * Math.sqrt(nb));
            if (Double.isNaN(cos)) {
                return Double.NaN;
            }
            cos = Math.max(-1.0, Math.min(1.0, cos));
            return Math.acos(cos) / Math.PI;
        }
    };

    /**
     * Distance between two embeddings of equal length.
     *
     * @throws IllegalArgumentException if a vector is null or the lengths differ
     */
    public double between(float[] a, float[] b) {
        checkLengths(a == null ? -1 : a.length, b == null ? -1 : b.length);
        return compute(toDouble(a), toDouble(b));
    }

    /** Same as {@link #between(float[], float[])} for double vectors. */
    public double between(double[] a, double[] b) {
        checkLengths(a == null ? -1 : a.length, b == null ? -1 : b.length);
        return compute(a, b);
    }

    abstract double compute(double[] a, double[] b);

    private static void checkLengths(int la, int lb) {
        if (la < 0 || lb < 0) {
            throw new IllegalArgumentException("embedding vectors must not be null");
        }
        if (la != lb) {
            throw new IllegalArgumentException(
                    "embedding vectors have different lengths: " + la + " vs " + lb);
        }
    }

    static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}

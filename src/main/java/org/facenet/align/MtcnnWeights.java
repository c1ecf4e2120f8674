package org.facenet.align;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * facenet's MTCNN weights (davidsandberg/facenet src/align/det1.npy, det2.npy, det3.npy, MIT licence; see NOTICE),
 * converted once by tools/mtcnn_weights.py into the resource {@code mtcnn-weights.bin} beside this class. The format
 * is documented in that script: a magic, then named float32 tensors, big-endian. Names are
 * {@code <net>/<layer>/<param>} with facenet's layer names ({@code pnet/conv1/weights}, {@code rnet/prelu4/alpha},
 * ...); convolution weights are HWIO, fully connected weights [in, out].
 */
public final class MtcnnWeights {

  /** One tensor: its shape and row-major values. */
  public record Tensor(long[] shape, float[] values) {}

  private static final String RESOURCE = "mtcnn-weights.bin";
  private static final byte[] MAGIC = "MTCNNW01".getBytes(StandardCharsets.US_ASCII);
  private static volatile MtcnnWeights facenet;

  private final Map<String, Tensor> tensors;

  private MtcnnWeights(Map<String, Tensor> tensors) {
    this.tensors = tensors;
  }

  /** facenet's weights, read once from the class path. */
  public static MtcnnWeights facenet() {
    MtcnnWeights w = facenet;
    if (w == null) {
      synchronized (MtcnnWeights.class) {
        if (facenet == null) {
          try (InputStream in = MtcnnWeights.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCE + " missing from the class path");
            facenet = read(in);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
          }
        }
        w = facenet;
      }
    }
    return w;
  }

  /** Reads the format tools/mtcnn_weights.py writes. */
  public static MtcnnWeights read(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(stream));
    byte[] magic = new byte[MAGIC.length];
    in.readFully(magic);
    if (!Arrays.equals(magic, MAGIC)) throw new IOException("not an MTCNN weights file (bad magic)");
    int count = in.readInt();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (int t = 0; t < count; t++) {
      byte[] name = new byte[in.readUnsignedShort()];
      in.readFully(name);
      int rank = in.readInt();
      long[] shape = new long[rank];
      long size = 1;
      for (int d = 0; d < rank; d++) {
        shape[d] = in.readInt();
        size *= shape[d];
      }
      float[] values = new float[Math.toIntExact(size)];
      for (int i = 0; i < values.length; i++) values[i] = in.readFloat();
      tensors.put(new String(name, StandardCharsets.UTF_8), new Tensor(shape, values));
    }
    if (in.read() != -1) throw new IOException("trailing bytes after " + count + " tensors");
    return new MtcnnWeights(tensors);
  }

  /** The tensor {@code net/layer/param}; an unknown name is an error naming it. */
  public Tensor get(String name) {
    Tensor t = tensors.get(name);
    if (t == null) throw new IllegalArgumentException("no MTCNN weight " + name);
    return t;
  }

  /** Every tensor name, in file order. */
  public Iterable<String> names() {
    return tensors.keySet();
  }

  /** The number of values of network {@code net} ("pnet", "rnet", "onet"). */
  public long parameterCount(String net) {
    return tensors.entrySet().stream().filter(e -> e.getKey().startsWith(net + "/"))
        .mapToLong(e -> e.getValue().values().length).sum();
  }
}

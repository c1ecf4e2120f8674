package org.facenet.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * A TensorFlow (TF1 V2-format) checkpoint, {@code PREFIX.index} + {@code PREFIX.data-*}, read tensor by tensor with
 * TensorFlow's own RestoreV2 op, which checks each tensor's checksum; facenet's model folders hold one.
 */
public final class CheckpointTensors implements TensorSource {

  private static final Pattern CHECKPOINT_LINE = Pattern.compile("^model_checkpoint_path:\\s*\"(.*)\"\\s*$");
  private static final Pattern FACENET_INDEX = Pattern.compile("^(model-[\\w\\- ]+\\.ckpt-(\\d+))\\.index$");

  private final Path prefix;

  private CheckpointTensors(Path prefix) {
    this.prefix = prefix;
  }

  /** The checkpoint at {@code prefix} ({@code prefix.index} must exist). */
  public static CheckpointTensors atPrefix(Path prefix) throws IOException {
    if (!Files.isRegularFile(Path.of(prefix + ".index"))) {
      throw new IOException(prefix + ": no checkpoint here (" + prefix.getFileName() + ".index is missing)");
    }
    CheckpointTensors c = new CheckpointTensors(prefix);
    if (c.dataFiles().isEmpty()) {
      throw new IOException(prefix + ": the checkpoint's data file (" + prefix.getFileName() + ".data-*) is missing");
    }
    return c;
  }

  /**
   * The checkpoint of a facenet model folder, found as facenet's get_model_filenames finds it: the one the
   * {@code checkpoint} file names (by file name, in this folder), otherwise the highest step among
   * {@code model-*.ckpt-N.index}.
   */
  public static CheckpointTensors inFolder(Path folder) throws IOException {
    Path state = folder.resolve("checkpoint");
    if (Files.isRegularFile(state)) {
      for (String line : Files.readAllLines(state, StandardCharsets.UTF_8)) {
        Matcher m = CHECKPOINT_LINE.matcher(line.trim());
        if (m.matches()) {
          String name = Path.of(m.group(1)).getFileName().toString();
          if (!Files.isRegularFile(folder.resolve(name + ".index"))) {
            throw new IOException(state + " names checkpoint " + name + ", but " + name + ".index is not in " + folder);
          }
          return atPrefix(folder.resolve(name));
        }
      }
      throw new IOException(state + ": no model_checkpoint_path line");
    }
    String best = null;
    long bestStep = -1;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
      for (Path f : files) {
        Matcher m = FACENET_INDEX.matcher(f.getFileName().toString());
        if (m.matches() && Long.parseLong(m.group(2)) > bestStep) {
          bestStep = Long.parseLong(m.group(2));
          best = m.group(1);
        }
      }
    }
    if (best == null) {
      throw new IOException(folder + ": not a facenet model folder (no 'checkpoint' file and no model-*.ckpt-N.index)");
    }
    return atPrefix(folder.resolve(best));
  }

  @Override
  public Path file() {
    return prefix;
  }

  @Override
  public String kind() {
    return "tensorflow-checkpoint";
  }

  @Override
  public List<Path> files() {
    List<Path> out = new ArrayList<>();
    out.add(Path.of(prefix + ".index"));
    out.addAll(dataFiles());
    return out;
  }

  private List<Path> dataFiles() {
    List<Path> out = new ArrayList<>();
    Path dir = prefix.toAbsolutePath().getParent();
    String stem = prefix.getFileName() + ".data-";
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, f -> f.getFileName().toString().startsWith(stem))) {
      for (Path f : files) out.add(f);
    } catch (IOException e) {
      return out;
    }
    out.sort(null);
    return out;
  }

  @Override
  public Map<String, NamedTensor> read(List<String> names) throws IOException {
    Map<String, NamedTensor> all = readAll(names);
    return all != null ? all : readEach(names);
  }

  /** Every tensor in one RestoreV2 op; null if any is missing or unreadable (then {@link #readEach} tells which). */
  private Map<String, NamedTensor> readAll(List<String> names) {
    if (names.isEmpty()) return new LinkedHashMap<>();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      String[] empty = new String[names.size()];
      java.util.Arrays.fill(empty, "");
      List<Class<? extends TType>> dtypes = java.util.Collections.nCopies(names.size(), TFloat32.class);
      Restore restore = tf.train.restore(tf.constant(prefix.toAbsolutePath().toString()),
          tf.constant(NdArrays.vectorOfObjects(names.toArray(new String[0]))), tf.constant(NdArrays.vectorOfObjects(empty)),
          dtypes);
      try (Session session = new Session(g)) {
        Session.Runner runner = session.runner();
        for (Output<?> t : restore.tensors()) runner.fetch(t);
        try (Result r = runner.run()) {
          Map<String, NamedTensor> out = new LinkedHashMap<>();
          for (int i = 0; i < names.size(); i++) out.put(names.get(i), tensor(names.get(i), (TFloat32) r.get(i)));
          return out;
        }
      } catch (TensorFlowException e) {
        return null;
      }
    }
  }

  /** Tensor by tensor: a missing one is left out, an unreadable one is an error naming it. */
  private Map<String, NamedTensor> readEach(List<String> names) throws IOException {
    Map<String, NamedTensor> out = new LinkedHashMap<>();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TString> nameIn = tf.placeholder(TString.class, Placeholder.shape(Shape.of(1)));
      Restore restore = tf.train.restore(tf.constant(prefix.toAbsolutePath().toString()), nameIn,
          tf.constant(NdArrays.vectorOfObjects("")), List.of(TFloat32.class));
      try (Session session = new Session(g)) {
        for (String name : names) {
          try (TString n = TString.vectorOf(name);
              Result r = session.runner().feed(nameIn, n).fetch(restore.tensors().get(0)).run()) {
            out.put(name, tensor(name, (TFloat32) r.get(0)));
          } catch (TensorFlowException e) {
            if (String.valueOf(e.getMessage()).contains("not found in checkpoint")) continue;
            throw new IOException(prefix + ": tensor " + name + " cannot be read: " + firstLine(e.getMessage()), e);
          }
        }
      }
    }
    return out;
  }

  private static NamedTensor tensor(String name, TFloat32 t) {
    float[] v = new float[Math.toIntExact(t.shape().size())];
    t.copyTo(DataBuffers.of(v, false, false));
    return new NamedTensor(name, t.shape().asArray(), v);
  }

  static String firstLine(String message) {
    if (message == null) return "";
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}

package org.facenet.interop;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.facenet.nn.BackboneConfig;
import org.facenet.nn.EmbeddingModel;
import org.facenet.nn.Layers;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import org.facenet.nn.VariableStore;
import org.facenet.runtime.GraphDefs;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * Stand-ins for facenet's published models that the tests make themselves: a reduced-width, full-depth
 * Inception-ResNet-v1 with random weights and batch-norm statistics, written as a facenet model folder (a TF1
 * checkpoint through TensorFlow's SaveV2 op, with facenet's names and its Logits layer) and as a frozen GraphDef
 * (Const nodes named like the variables, feeding {@code input:0} and {@code phase_train:0}, fetching
 * {@code embeddings:0}), and the source graphs' own outputs.
 */
public final class FacenetFixtures {

  public static final String CHECKPOINT = "model-20180402-114759.ckpt-275";

  private static final Map<ModelSpec, ModelLayout> LAYOUTS = new java.util.concurrent.ConcurrentHashMap<>();

  private FacenetFixtures() {}

  /** {@link ModelLayout#of}, built once per spec (a full-depth graph takes a while to build). */
  public static ModelLayout layout(ModelSpec spec) {
    return LAYOUTS.computeIfAbsent(spec, ModelLayout::of);
  }

  /** A reduced-width facenet model: width 0.125 (4 filters in the first convolution), every block, 160 px. */
  public static ModelSpec spec(int embeddingSize, Standardization standardization) {
    return new ModelSpec("inception-resnet-v1", 160, new BackboneConfig(embeddingSize, 1f, 0.125f, 1f), 0f,
        standardization);
  }

  /**
   * Random values for every variable of {@code spec}'s inference tower: weights N(0, 2 / fan-in), betas
   * N(0, 0.1), moving means N(0, 0.1), moving variances in [0.5, 1.5].
   */
  public static Map<String, float[]> randomValues(ModelSpec spec, long seed) {
    Random r = new Random(seed);
    Map<String, float[]> out = new LinkedHashMap<>();
    for (ModelLayout.Variable v : layout(spec).variables()) {
      long n = 1;
      for (long d : v.shape()) n *= d;
      float[] x = new float[Math.toIntExact(n)];
      long fanIn = n / v.shape()[v.shape().length - 1];
      for (int i = 0; i < x.length; i++) {
        if (v.path().endsWith("moving_variance")) x[i] = 0.5f + r.nextFloat();
        else if (v.path().endsWith("weights")) x[i] = (float) (r.nextGaussian() * Math.sqrt(2.0 / fanIn));
        else x[i] = (float) (r.nextGaussian() * 0.1);
      }
      out.put(v.path(), x);
    }
    return out;
  }

  /** Writes a facenet model folder: the checkpoint (with facenet's Logits for 10 classes), {@code checkpoint}, a .meta. */
  public static Path writeFolder(Path folder, Map<String, float[]> values, ModelSpec spec) throws IOException {
    Files.createDirectories(folder);
    Map<String, NamedTensor> tensors = new LinkedHashMap<>();
    for (ModelLayout.Variable v : layout(spec).variables()) {
      tensors.put(v.path(), new NamedTensor(v.path(), v.shape(), values.get(v.path())));
    }
    Random r = new Random(1);
    float[] logits = new float[spec.embeddingSize() * 10];
    for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian();
    tensors.put("Logits/weights", new NamedTensor("Logits/weights", new long[] {spec.embeddingSize(), 10}, logits));
    tensors.put("Logits/biases", new NamedTensor("Logits/biases", new long[] {10}, new float[10]));
    Path prefix = folder.resolve(CHECKPOINT);
    save(prefix, tensors);
    Files.writeString(folder.resolve("checkpoint"), "model_checkpoint_path: \"" + prefix.toAbsolutePath() + "\"\n"
        + "all_model_checkpoint_paths: \"" + prefix.toAbsolutePath() + "\"\n", StandardCharsets.UTF_8);
    Files.write(folder.resolve("model-20180402-114759.meta"), MetaGraphDef.getDefaultInstance().toByteArray());
    return prefix;
  }

  /** A TF1 V2 checkpoint at {@code prefix} holding {@code tensors}, written by TensorFlow's SaveV2 op. */
  public static void save(Path prefix, Map<String, NamedTensor> tensors) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Operand<?>> values = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (NamedTensor t : tensors.values()) {
        names.add(t.name());
        values.add(tf.constant(Shape.of(t.shape()), DataBuffers.of(t.values(), true, false)));
      }
      var save = tf.train.save(tf.constant(prefix.toAbsolutePath().toString()),
          tf.constant(NdArrays.vectorOfObjects(names.toArray(new String[0]))),
          tf.constant(NdArrays.vectorOfObjects(names.stream().map(n -> "").toArray(String[]::new))), values);
      s.runner().addTarget(save).run();
    }
  }

  /** The embeddings of {@code spec}'s inference tower (unfolded, as trained) with {@code values}, on raw pixels. */
  public static float[][] sourceEmbeddings(ModelSpec spec, Map<String, float[]> values, float[] px, int n) {
    int s = spec.imageSize();
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3)));
      VariableStore store = new VariableStore(tf, 0);
      var tower = EmbeddingModel.build(Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET), in, spec);
      try (Session session = new Session(g);
          TFloat32 x = TFloat32.tensorOf(Shape.of(n, s, s, 3), DataBuffers.of(px, true, false))) {
        session.initialize();
        store.assign(session, values);
        try (Result r = session.runner().feed(in, x).fetch(tower.embeddings()).run()) {
          return org.facenet.embed.Embedder.rows((TFloat32) r.get(0));
        }
      }
    }
  }

  /**
   * A frozen GraphDef as facenet's freeze_graph.py writes it: {@code input} (standardised images) and
   * {@code phase_train} placeholders, the backbone with every variable replaced by a Const node of its name (its
   * {@code /read} Identity kept), {@code embeddings} the L2-normalised bottleneck; only the nodes these reach.
   */
  public static GraphDef frozenGraph(ModelSpec spec, Map<String, float[]> values) {
    int s = spec.imageSize();
    GraphDef def;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> in = tf.withName("input").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3)));
      tf.withName("phase_train").placeholder(TBool.class, Placeholder.shape(Shape.scalar()));
      VariableStore store = new VariableStore(tf, 0);
      Operand<TFloat32> prelogits = spec.createBackbone().build(
          Layers.tower(store, false, 0f, Layers.BatchNormConfig.FACENET), in, spec.config());
      tf.withName("embeddings").identity(EmbeddingModel.l2Normalize(tf, prelogits, 1e-10f));
      def = g.toGraphDef();
    }
    Set<String> keep = GraphDefs.ancestors(def, List.of("embeddings", "phase_train"));
    GraphDef.Builder out = GraphDef.newBuilder().setVersions(def.getVersions());
    for (NodeDef n : def.getNodeList()) {
      if (!keep.contains(n.getName())) continue;
      float[] v = values.get(n.getName());
      out.addNode(n.getOp().equals("VariableV2") ? constant(n, v) : n);
    }
    return out.build();
  }

  private static NodeDef constant(NodeDef variable, float[] v) {
    ByteBuffer bytes = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) bytes.putFloat(f);
    TensorShapeProto shape = variable.getAttrOrThrow("shape").getShape();
    TensorProto tensor = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape)
        .setTensorContent(ByteString.copyFrom(bytes.array())).build();
    return NodeDef.newBuilder().setName(variable.getName()).setOp("Const")
        .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
        .putAttr("value", AttrValue.newBuilder().setTensor(tensor).build()).build();
  }

  /** What the frozen graph computes: {@code input:0} fed with {@code standardised}, {@code phase_train:0} false. */
  public static float[][] frozenEmbeddings(GraphDef def, float[] standardised, int n, int size) {
    try (Graph g = new Graph()) {
      g.importGraphDef(def);
      try (Session session = new Session(g);
          TFloat32 x = TFloat32.tensorOf(Shape.of(n, size, size, 3), DataBuffers.of(standardised, true, false));
          TBool train = TBool.scalarOf(false);
          Result r = session.runner().feed("input", x).feed("phase_train", train).fetch("embeddings").run()) {
        return org.facenet.embed.Embedder.rows((TFloat32) r.get(0));
      }
    }
  }

  /** Per-image prewhitening in float64, as facenet's prewhiten: (x - mean) / max(std, 1 / sqrt(n)). */
  public static float[] prewhiten(float[] px, int n) {
    int per = px.length / n;
    float[] out = new float[px.length];
    for (int i = 0; i < n; i++) {
      double mean = 0;
      for (int j = 0; j < per; j++) mean += px[i * per + j];
      mean /= per;
      double var = 0;
      for (int j = 0; j < per; j++) var += (px[i * per + j] - mean) * (px[i * per + j] - mean);
      double std = Math.max(Math.sqrt(var / per), 1 / Math.sqrt(per));
      for (int j = 0; j < per; j++) out[i * per + j] = (float) ((px[i * per + j] - mean) / std);
    }
    return out;
  }

  /** facenet's fixed standardisation, (x - 127.5) / 128. */
  public static float[] fixed(float[] px) {
    float[] out = new float[px.length];
    for (int i = 0; i < px.length; i++) out[i] = (float) ((px[i] - 127.5) / 128.0);
    return out;
  }

}

package org.facenet.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.facenet.interop.FacenetModels;
import org.facenet.interop.ModelImport;
import org.facenet.interop.OnnxTensors;
import org.facenet.nn.Standardization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code facenet import SOURCE --out DIR}: a published model as this project's SavedModel. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Import a published face embedding model as this project's SavedModel (batch norm folded, raw RGB "
        + "0..255 in, L2-normalised embeddings out, facenet-metadata.json saying its source, preprocessing and "
        + "alignment).",
        "SOURCE: a davidsandberg/facenet model folder (model-*.meta, model-*.ckpt-N.index/.data-*, checkpoint), a "
            + "checkpoint prefix, a facenet frozen graph (.pb), or an insightface ArcFace ONNX file (.onnx: an "
            + "iresnet18/34/50/100 as arcface_torch's torch2onnx.py exports it, or the model zoo's w600k_r50). "
            + "Everything is read and checked before anything is written."})
final class ImportCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "SOURCE", description = "facenet model folder, checkpoint prefix or frozen graph .pb, or an insightface .onnx file.")
  Path source;

  @Option(names = "--out", paramLabel = "DIR", required = true,
      description = "SavedModel folder to create; it must not exist or be empty.")
  Path out;

  @Option(names = "--standardization", paramLabel = "KIND", converter = StandardizationName.class,
      description = "The model's input standardisation, built into the SavedModel: fixed, (x - 127.5) / 128, for "
          + "facenet's 2018 models; per-image (prewhitening) for its 2017 models; arcface, (x - 127.5) / 127.5 on "
          + "RGB, for insightface's (default: fixed for facenet, arcface for ONNX).")
  Standardization standardization;

  /** "fixed", "per-image" (or the enum's names, any case). */
  static final class StandardizationName implements picocli.CommandLine.ITypeConverter<Standardization> {
    @Override
    public Standardization convert(String value) {
      try {
        return Standardization.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException("expected fixed, per-image or arcface, got '" + value + "'");
      }
    }
  }

  @Range(min = 1)
  @Option(names = "--embedding-size", paramLabel = "D",
      description = "Expected embedding size; an import of another size fails naming the tensor (default: the source's).")
  Integer embeddingSize;

  @Range(min = 75)
  @Option(names = "--image-size", paramLabel = "PX",
      description = "Input side of the SavedModel (default: 160, facenet's; an ONNX file's is its own input's).")
  Integer imageSize;

  @Override
  public Integer call() throws Exception {
    ModelImport.Result r;
    if (OnnxTensors.isOnnx(source)) {
      if (imageSize != null) {
        throw new IllegalArgumentException("--image-size: an ONNX model's input size is fixed by its fully connected "
            + "layer and read from the file; leave the option out");
      }
      r = ModelImport.insightface(source, out, embeddingSize, standardization);
    } else {
      r = ModelImport.facenet(source, out, new ModelImport.Options(imageSize != null ? imageSize : FacenetModels.IMAGE_SIZE,
          embeddingSize, standardization != null ? standardization : Standardization.FIXED));
    }
    System.out.printf("imported %s %s: %d tensors, %,d parameters, %d-D embeddings, %d px, %s standardisation, in %.1f s -> %s%n",
        r.kind(), source, r.tensors(), r.parameters(), r.spec().embeddingSize(), r.spec().imageSize(),
        r.spec().standardization().name().toLowerCase(java.util.Locale.ROOT), r.seconds(), out);
    return 0;
  }
}

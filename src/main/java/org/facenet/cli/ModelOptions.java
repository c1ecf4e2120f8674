package org.facenet.cli;

import org.facenet.nn.BackboneConfig;
import org.facenet.nn.Backbones;
import org.facenet.nn.ModelSpec;
import org.facenet.nn.Standardization;
import picocli.CommandLine.Option;

/** The model options shared by every command that builds a model. */
final class ModelOptions {

  @Option(names = "--backbone", paramLabel = "NAME", defaultValue = "inception-resnet-v1",
      description = "Backbone network: inception-resnet-v1 (160 px), resnet18/34/50/101, iresnet18/34/50/100 (112 px) "
          + "(default: ${DEFAULT-VALUE}).")
  String backbone;

  /** The largest input side accepted; the smallest is the backbone's own (75 px for inception-resnet-v1, 16 others). */
  static final int MAX_IMAGE_SIZE = 1024;

  @Range(min = 16, max = MAX_IMAGE_SIZE)
  @Option(names = "--image-size", paramLabel = "PX",
      description = "Input side in pixels, from the backbone's smallest (75 for inception-resnet-v1, 16 for the "
          + "others) to " + MAX_IMAGE_SIZE + " (default: the backbone's own, 160 for inception-resnet-v1; "
          + "96 in the synthetic preset).")
  Integer imageSize;

  @Range(min = 1, max = 65536)
  @Option(names = "--embedding-size", paramLabel = "D", description = "Embedding dimension (default: 512; 128 in the synthetic preset).")
  Integer embeddingSize;

  @Range(min = 0, minExclusive = true, max = 1)
  @Option(names = "--keep-probability", paramLabel = "P", defaultValue = "0.8",
      description = "Dropout keep probability before the bottleneck (default: ${DEFAULT-VALUE}).")
  float keepProbability;

  @Range(min = 0)
  @Option(names = "--weight-decay", paramLabel = "L2", defaultValue = "5e-4",
      description = "L2 weight decay (default: ${DEFAULT-VALUE}).")
  float weightDecay;

  @Range(min = 0, minExclusive = true, max = 16)
  @Option(names = "--width", paramLabel = "F",
      description = "Channel multiplier; 1.0 is the published architecture (default: 1.0; 0.5 in the synthetic preset).")
  Float width;

  @Range(min = 0, minExclusive = true, max = 16)
  @Option(names = "--depth", paramLabel = "F",
      description = "Repeat multiplier of the repeated blocks; 1.0 is the published architecture "
          + "(default: 1.0; 0.2 in the synthetic preset).")
  Float depth;

  @Option(names = "--standardization", paramLabel = "KIND", defaultValue = "FIXED",
      description = "Input standardisation inside the graph: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Standardization standardization;

  /** The spec, with unset options taken from {@code preset}. */
  ModelSpec toSpec(Preset preset) {
    int size = imageSize != null ? imageSize
        : preset.imageSize() != null ? preset.imageSize() : Backbones.create(backbone).defaultImageSize();
    return new ModelSpec(backbone, size,
        new BackboneConfig(embeddingSize != null ? embeddingSize : preset.embeddingSize(), keepProbability,
            width != null ? width : preset.width(), depth != null ? depth : preset.depth()),
        weightDecay, standardization);
  }
}

package org.facenet.nn;

import java.util.Properties;

/**
 * Everything needed to rebuild a model's graph: saved with each run (so --resume and export rebuild the
 * same variables) and next to each exported SavedModel.
 */
public record ModelSpec(String backbone, int imageSize, BackboneConfig config, float weightDecay,
    Standardization standardization) {

  public ModelSpec {
    Backbone b = Backbones.create(backbone);
    if (imageSize < b.minImageSize()) {
      throw new IllegalArgumentException("image size " + imageSize + " is below " + backbone
          + "'s minimum of " + b.minImageSize() + " px");
    }
    if (weightDecay < 0f) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
  }

  public int embeddingSize() {
    return config.embeddingSize();
  }

  public Backbone createBackbone() {
    return Backbones.create(backbone);
  }

  public void store(Properties p) {
    p.setProperty("backbone", backbone);
    p.setProperty("image_size", Integer.toString(imageSize));
    p.setProperty("embedding_size", Integer.toString(config.embeddingSize()));
    p.setProperty("keep_probability", Float.toString(config.keepProbability()));
    p.setProperty("width", Float.toString(config.width()));
    p.setProperty("depth", Float.toString(config.depth()));
    p.setProperty("weight_decay", Float.toString(weightDecay));
    p.setProperty("standardization", standardization.name());
  }

  public static ModelSpec load(Properties p) {
    return new ModelSpec(req(p, "backbone"), Integer.parseInt(req(p, "image_size")),
        new BackboneConfig(Integer.parseInt(req(p, "embedding_size")), Float.parseFloat(req(p, "keep_probability")),
            Float.parseFloat(req(p, "width")), Float.parseFloat(req(p, "depth"))),
        Float.parseFloat(req(p, "weight_decay")), Standardization.valueOf(req(p, "standardization")));
  }

  private static String req(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) throw new IllegalArgumentException("model spec lacks '" + key + "'");
    return v;
  }
}

package org.facenet.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * A data set in the facenet layout: {@code ROOT/<identity>/<image>.{jpg,jpeg,png}} (any case). Class folders
 * are sorted by name and numbered from 0; identities with fewer than {@code minImagesPerClass} images are left out.
 * Files are only listed here ({@link ImageFiles}: hidden files and folders are skipped, as facenet-embed skips
 * them); they are decoded (and bad ones skipped) by the {@link InputPipeline}.
 */
public final class ImageDataset {

  private final Path root;
  private final List<String> classNames;
  private final List<LabeledImage> images;
  private final List<List<Integer>> byClass;

  private ImageDataset(Path root, List<String> classNames, List<LabeledImage> images) {
    this.root = root;
    this.classNames = List.copyOf(classNames);
    this.images = List.copyOf(images);
    List<List<Integer>> groups = new ArrayList<>();
    for (int c = 0; c < classNames.size(); c++) groups.add(new ArrayList<>());
    for (int i = 0; i < images.size(); i++) groups.get(images.get(i).label()).add(i);
    List<List<Integer>> frozen = new ArrayList<>();
    for (List<Integer> g : groups) frozen.add(Collections.unmodifiableList(g));
    this.byClass = Collections.unmodifiableList(frozen);
  }

  /** Lists {@code root}; a missing folder, one without class folders or without images is a {@link DatasetException}. */
  public static ImageDataset scan(Path root, int minImagesPerClass) throws IOException {
    if (!Files.isDirectory(root)) throw new DatasetException(root + ": data folder not found");
    List<Path> classDirs;
    try (Stream<Path> s = Files.list(root)) {
      classDirs = s.filter(Files::isDirectory).filter(p -> !ImageFiles.isHidden(p)).sorted().toList();
    }
    if (classDirs.isEmpty()) {
      throw new DatasetException(root + ": no class folders; expected the facenet layout " + root
          + "/<identity>/<image>.jpg");
    }
    List<String> names = new ArrayList<>();
    List<LabeledImage> images = new ArrayList<>();
    for (Path dir : classDirs) {
      List<Path> files = ImageFiles.list(dir);
      if (files.isEmpty() || files.size() < minImagesPerClass) continue;
      int label = names.size();
      names.add(dir.getFileName().toString());
      for (Path f : files) images.add(new LabeledImage(f, label));
    }
    if (images.isEmpty()) {
      throw new DatasetException(root + ": no images (.jpg .jpeg .png) in its " + classDirs.size() + " class folders"
          + (minImagesPerClass > 1 ? " with at least " + minImagesPerClass + " images each" : ""));
    }
    return new ImageDataset(root, names, images);
  }

  /**
   * Refuses, before anything is created, a data set a classification loss (softmax and its margin variants, center)
   * cannot learn from: fewer than 2 identities ("the data set has 1 identity; classification losses need >= 2"), for
   * which the loss is 0 from the first step.
   */
  public void checkForClassification() {
    if (numClasses() < 2) {
      throw new DatasetException(root + ": the data set has " + numClasses() + " identit" + (numClasses() == 1 ? "y" : "ies")
          + "; classification losses need >= 2");
    }
  }

  public Path root() {
    return root;
  }

  public List<String> classNames() {
    return classNames;
  }

  public List<LabeledImage> images() {
    return images;
  }

  public int numClasses() {
    return classNames.size();
  }

  /** Indices into {@link #images()} of the images of class {@code label}. */
  public List<Integer> imagesOfClass(int label) {
    return byClass.get(label);
  }

  /** The same classes (names and labels) with only {@code subset} of the images, e.g. a training/validation split. */
  public ImageDataset withImages(List<LabeledImage> subset) {
    return new ImageDataset(root, classNames, subset);
  }
}

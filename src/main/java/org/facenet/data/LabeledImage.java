package org.facenet.data;

import java.nio.file.Path;

/** One training image and the index of its identity. */
public record LabeledImage(Path path, int label) {}

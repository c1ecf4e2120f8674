package org.facenet.data;

/**
 * One line of a pairs file: an image of {@code firstName} and an image of {@code secondName}; matched when both names
 * are the same identity's. Each image is given either by its 1-based index as in LFW ({@code firstIndex >= 1},
 * {@code firstFile == null}: the file {@code name_%04d.ext} or {@code %04d.ext}), or by its file name in the
 * identity's folder ({@code firstIndex == 0}, {@code firstFile} e.g. {@code "IMG_2041.jpg"}), see {@link PairsFile}.
 */
public record Pair(String firstName, int firstIndex, String secondName, int secondIndex, String firstFile,
    String secondFile) {

  public Pair {
    check(firstName, firstIndex, firstFile);
    check(secondName, secondIndex, secondFile);
  }

  /** A pair of images given by their LFW indices (1-based). */
  public Pair(String firstName, int firstIndex, String secondName, int secondIndex) {
    this(firstName, firstIndex, secondName, secondIndex, null, null);
  }

  /** A pair of images given by their file names in the identities' folders. */
  public static Pair ofFiles(String firstName, String firstFile, String secondName, String secondFile) {
    return new Pair(firstName, 0, secondName, 0, firstFile, secondFile);
  }

  private static void check(String name, int index, String file) {
    if (name == null || name.isEmpty()) throw new IllegalArgumentException("a pair needs identity names");
    if ((file == null) == (index == 0) || index < 0) {
      throw new IllegalArgumentException(name + ": an image is either an index >= 1 or a file name, got " + index + " and " + file);
    }
  }

  public boolean same() {
    return firstName.equals(secondName);
  }

  /** The first image's field as the file writes it: its index or its file name. */
  public String firstImage() {
    return firstFile != null ? firstFile : Integer.toString(firstIndex);
  }

  /** The second image's field as the file writes it: its index or its file name. */
  public String secondImage() {
    return secondFile != null ? secondFile : Integer.toString(secondIndex);
  }

  /** The line as LFW writes it: "name i j" (matched) or "name1 i name2 j" (mismatched), tab-separated. */
  public String toLine() {
    return same() ? firstName + "\t" + firstImage() + "\t" + secondImage()
        : firstName + "\t" + firstImage() + "\t" + secondName + "\t" + secondImage();
  }
}

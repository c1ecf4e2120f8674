package org.facenet.data;

/**
 * One line of an LFW pairs file: image {@code firstIndex} of {@code firstName} and image {@code secondIndex} of
 * {@code secondName} (1-based, as in LFW); matched when both names are the same identity's line.
 */
public record Pair(String firstName, int firstIndex, String secondName, int secondIndex) {

  public boolean same() {
    return firstName.equals(secondName);
  }

  /** The line as LFW writes it: "name i j" (matched) or "name1 i name2 j" (mismatched). */
  public String toLine() {
    return same() ? firstName + "\t" + firstIndex + "\t" + secondIndex
        : firstName + "\t" + firstIndex + "\t" + secondName + "\t" + secondIndex;
  }
}

package org.facenet.data;

/** A data set that cannot be used at all (missing folder, no class folders, no images). */
public class DatasetException extends IllegalArgumentException {

  public DatasetException(String message) {
    super(message);
  }
}

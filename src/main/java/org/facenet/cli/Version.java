package org.facenet.cli;

import picocli.CommandLine;

/** The version shown by {@code --version}. */
final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = FacenetCommand.class.getPackage().getImplementationVersion();
    return new String[] {"facenet-java " + (v == null ? "(development build)" : v) + ", TensorFlow Java 1.1.0"};
  }
}

package org.facenet.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Outputs appear whole or not at all: everything is written to a temporary sibling and renamed into
 * place, so a killed run never leaves a half-written CSV, pairs file or model behind.
 */
public final class AtomicFiles {

  /** Writes a file. */
  @FunctionalInterface
  public interface FileWriter {
    void write(OutputStream out) throws IOException;
  }

  /** Fills a directory. */
  @FunctionalInterface
  public interface DirectoryWriter {
    void write(Path dir) throws IOException;
  }

  private AtomicFiles() {}

  /** Writes {@code target} through {@code writer} via a temporary file in the same directory. */
  public static void write(Path target, FileWriter writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        writer.write(out);
      }
      move(tmp, abs);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Builds directory {@code target} through {@code writer} in a temporary sibling directory and renames
   * it into place, replacing an existing {@code target}.
   */
  public static void writeDirectory(Path target, DirectoryWriter writer) throws IOException {
    Path abs = target.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".");
    try {
      writer.write(tmp);
      if (Files.exists(abs)) {
        Path old = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".old.");
        Files.delete(old);
        Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(old);
      } else {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      if (Files.exists(tmp)) deleteRecursively(tmp);
    }
  }

  /** Deletes a file or a directory tree; absent is fine. */
  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) return;
    Files.walkFileTree(path, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        if (exc != null) throw exc;
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

}

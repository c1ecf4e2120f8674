package org.facenet.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic outputs: the umask's modes, a full disk named and harmless, explicit replacing, findable leftovers. */
public class AtomicFilesTest {

  @TempDir
  Path dir;

  /** The process umask, from the kernel (Linux). */
  public static int umask() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Umask:")) return Integer.parseInt(line.substring(6).strip(), 8);
    }
    throw new IllegalStateException("no Umask line in /proc/self/status");
  }

  public static int mode(Path p) throws IOException {
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
    int m = 0;
    for (PosixFilePermission x : PosixFilePermission.values()) {
      // values() is OWNER_READ, OWNER_WRITE, OWNER_EXECUTE, GROUP_READ, ... OTHERS_EXECUTE: bits 8 down to 0
      if (perms.contains(x)) m |= 1 << (8 - x.ordinal());
    }
    return m;
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void outputsGetTheUmasksModesNotTemporaryFileModes() throws IOException {
    int umask = umask();
    Path file = dir.resolve("out.csv");
    AtomicFiles.write(file, out -> out.write("a\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(Integer.toOctalString(0666 & ~umask), Integer.toOctalString(mode(file)), "file mode under umask "
        + Integer.toOctalString(umask));
    Path tree = dir.resolve("saved_model");
    AtomicFiles.writeDirectory(tree, AtomicFiles.Existing.REFUSE, tmp -> {
      Files.createDirectories(tmp.resolve("variables"));
      Files.writeString(tmp.resolve("variables/x"), "x");
    });
    assertEquals(Integer.toOctalString(0777 & ~umask), Integer.toOctalString(mode(tree)), "folder mode");
    assertEquals(Integer.toOctalString(0777 & ~umask), Integer.toOctalString(mode(tree.resolve("variables"))));
    assertEquals(Integer.toOctalString(0666 & ~umask), Integer.toOctalString(mode(tree.resolve("variables/x"))));
    Path replaced = dir.resolve("saved_model");
    AtomicFiles.writeDirectory(replaced, AtomicFiles.Existing.REPLACE, tmp -> Files.writeString(tmp.resolve("y"), "y"));
    assertEquals(Integer.toOctalString(0777 & ~umask), Integer.toOctalString(mode(replaced)), "replaced folder mode");
  }

  /** The disk fills after {@code limit} bytes, as a write(2) that fails with ENOSPC. */
  static final class FullDisk extends FilterOutputStream {
    private long left;

    FullDisk(OutputStream out, long limit) {
      super(out);
      left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      if (left-- <= 0) throw new IOException("No space left on device");
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int i = 0; i < len; i++) write(b[off + i]);
    }
  }

  @Test
  void aFullDiskNamesTheFileKeepsThePreviousVersionAndLeavesNoTemporary() throws IOException {
    Path file = dir.resolve("embeddings.csv");
    AtomicFiles.write(file, out -> out.write("previous\n".getBytes(StandardCharsets.UTF_8)));
    byte[] before = Files.readAllBytes(file);
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
      OutputStream disk = new FullDisk(out, 100_000);
      for (int i = 0; i < 10_000; i++) disk.write(("row " + i + ",0.125,0.25\n").getBytes(StandardCharsets.UTF_8));
    }));
    assertEquals(file.toAbsolutePath() + ": No space left on device", e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(file), "the previous version is intact");
    assertEquals(List.of("embeddings.csv"), names(), "no temporary left");
  }

  @Test
  void aFullDiskWhileWritingATreeKeepsThePreviousTree() throws IOException {
    Path tree = dir.resolve("step-00000100");
    AtomicFiles.writeDirectory(tree, AtomicFiles.Existing.REFUSE, tmp -> Files.writeString(tmp.resolve("model.index"), "v1"));
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeDirectory(tree, AtomicFiles.Existing.REPLACE,
        tmp -> {
          Files.writeString(tmp.resolve("model.index"), "v2");
          try (OutputStream o = new FullDisk(Files.newOutputStream(tmp.resolve("model.data-00000-of-00001")), 10)) {
            o.write(new byte[64]);
          }
        }));
    assertTrue(e.getMessage().startsWith(tree.toAbsolutePath() + ": ") && e.getMessage().endsWith("No space left on device"),
        e.getMessage());
    assertEquals("v1", Files.readString(tree.resolve("model.index")));
    assertEquals(List.of("step-00000100"), names(), "no temporary left");
  }

  @Test
  void anExistingFolderIsReplacedOnlyWhenAskedTo() throws IOException {
    Path target = dir.resolve("copies");
    Files.createDirectories(target.resolve("Maria"));
    Files.writeString(target.resolve("Maria/notes.txt"), "the user's own file");
    boolean[] called = {false};
    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
        () -> AtomicFiles.writeDirectory(target, AtomicFiles.Existing.REFUSE, tmp -> called[0] = true));
    assertTrue(e.getMessage().startsWith(target.toAbsolutePath() + ": already exists"), e.getMessage());
    assertFalse(called[0], "refused before anything was written");
    assertThrows(FileAlreadyExistsException.class, () -> AtomicFiles.checkDirectoryTarget(target, AtomicFiles.Existing.REFUSE));
    AtomicFiles.checkDirectoryTarget(target, AtomicFiles.Existing.REPLACE);
    AtomicFiles.checkDirectoryTarget(dir.resolve("new"), AtomicFiles.Existing.REFUSE);
    assertEquals("the user's own file", Files.readString(target.resolve("Maria/notes.txt")));
    assertEquals(List.of("copies"), names());

    AtomicFiles.writeDirectory(target, AtomicFiles.Existing.REPLACE, tmp -> Files.writeString(tmp.resolve("new"), "n"));
    assertEquals("n", Files.readString(target.resolve("new")));
    assertFalse(Files.exists(target.resolve("Maria")), "replaced whole");
    assertEquals(List.of("copies"), names(), "the old tree moved aside is removed");

    Path file = dir.resolve("plain");
    Files.writeString(file, "x");
    assertThrows(FileAlreadyExistsException.class,
        () -> AtomicFiles.writeDirectory(file, AtomicFiles.Existing.REPLACE, tmp -> {}));
    assertEquals("x", Files.readString(file), "a file is never replaced by a folder");
    IOException onFolder = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> out.write(1)));
    assertTrue(onFolder.getMessage().contains(target.toAbsolutePath().toString()), onFolder.getMessage());
    assertEquals("n", Files.readString(target.resolve("new")), "a folder is never replaced by a file");
  }

  @Test
  void temporariesListsWhatAKilledWriteLeavesAndNothingElse() throws IOException {
    List<Path> seen = new ArrayList<>();
    Path target = dir.resolve("step-00000007");
    AtomicFiles.writeDirectory(target, AtomicFiles.Existing.REFUSE, tmp -> {
      seen.add(tmp);
      assertEquals(List.of(tmp), AtomicFiles.temporaries(dir), "the temporary while it is being written");
    });
    AtomicFiles.write(dir.resolve("classes.txt"), out -> {
      seen.addAll(AtomicFiles.temporaries(dir));
      out.write('x');
    });
    assertEquals(2, seen.size(), "the file's temporary is listed too: " + seen);
    for (Path p : seen) assertTrue(AtomicFiles.isTemporary(p), p.toString());
    assertEquals(List.of(), AtomicFiles.temporaries(dir), "none after the writes");
    // as a kill would leave them: this version's names and an earlier version's (createTempDirectory/createTempFile)
    Path mine = Files.createDirectory(seen.get(0));
    Path old = Files.createDirectory(dir.resolve(".step-00000007.facenet-old-0123456789abcdef"));
    Path legacyDir = Files.createDirectory(dir.resolve(".step-00000009.8412674478062313421"));
    Path legacyFile = Files.createFile(dir.resolve(".embeddings.csv.17360285011930517624.tmp"));
    for (String user : List.of(".hidden", ".notes.2", "step-00000008", ".facenet-tmp-x", "a.facenet-tmp-0123456789abcdef")) {
      Files.createFile(dir.resolve(user));
    }
    List<Path> expected = new ArrayList<>(List.of(mine, old, legacyDir, legacyFile));
    expected.sort(null);
    assertEquals(expected, AtomicFiles.temporaries(dir));
    assertEquals(List.of(), AtomicFiles.temporaries(dir.resolve("absent")));
  }
}

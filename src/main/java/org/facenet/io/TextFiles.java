package org.facenet.io;

import java.io.BufferedWriter;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PushbackInputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Every text file of the project (classes.txt, CSVs, pairs and schedule files, run.properties, metadata, reports)
 * is UTF-8, whatever the platform's locale. Reading is strict: a byte sequence that is not UTF-8 is a
 * {@link NotUtf8TextException} naming the file (and where), never a silently replaced character; a UTF-8
 * byte-order mark at the start is accepted and dropped. Writing goes through {@link AtomicFiles}.
 */
public final class TextFiles {

  /** Writes text. */
  @FunctionalInterface
  public interface TextWriter {
    void write(Writer out) throws IOException;
  }

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private TextFiles() {}

  /** The whole file as a string. */
  public static String read(Path file) throws IOException {
    return decode(file, Files.readAllBytes(file));
  }

  /** The file's lines, split at {@code \n}, {@code \r\n} or {@code \r}, without the terminators. */
  public static List<String> readLines(Path file) throws IOException {
    return read(file).lines().toList();
  }

  /**
   * A reader over the file (for a parser that streams, such as Commons CSV); reading past a byte sequence that is
   * not UTF-8 throws {@link NotUtf8TextException} naming the file and the line.
   */
  public static Reader reader(Path file) throws IOException {
    PushbackInputStream in = new PushbackInputStream(Files.newInputStream(file), BOM.length);
    try {
      byte[] head = in.readNBytes(BOM.length);
      if (!(head.length == BOM.length && head[0] == BOM[0] && head[1] == BOM[1] && head[2] == BOM[2])) in.unread(head);
    } catch (IOException e) {
      in.close();
      throw e;
    }
    return new StrictReader(file, in);
  }

  /** Writes {@code text} as UTF-8, atomically. */
  public static void write(Path file, String text) throws IOException {
    AtomicFiles.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Writes each line followed by {@code \n}, atomically. */
  public static void writeLines(Path file, List<String> lines) throws IOException {
    write(file, w -> {
      for (String line : lines) w.write(line + "\n");
    });
  }

  /** Writes through a UTF-8 {@link Writer} (buffered; the writer may close it), atomically. */
  public static void write(Path file, TextWriter writer) throws IOException {
    AtomicFiles.write(file, out -> {
      Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      writer.write(w);
      w.flush();
    });
  }

  /** {@code bytes} decoded strictly, a leading byte-order mark dropped. */
  static String decode(Path file, byte[] bytes) throws NotUtf8TextException {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (bytes.length >= 3 && bytes[0] == BOM[0] && bytes[1] == BOM[1] && bytes[2] == BOM[2]) in.position(3);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CharsetDecoder d = strictDecoder();
    CoderResult r = d.decode(in, out, true);
    if (!r.isError()) r = d.flush(out);
    if (r.isError()) {
      int at = in.position();
      int line = 1;
      for (int i = 0; i < at; i++) if (bytes[i] == '\n') line++;
      throw new NotUtf8TextException(file, "line " + line + ", byte " + (at + 1));
    }
    return out.flip().toString();
  }

  private static CharsetDecoder strictDecoder() {
    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** Turns the decoder's bare "Input length = 1" into an error naming the file and the line. */
  private static final class StrictReader extends FilterReader {
    private final Path file;
    private long line = 1;

    StrictReader(Path file, InputStream in) {
      super(new InputStreamReader(in, strictDecoder()));
      this.file = file;
    }

    @Override
    public int read() throws IOException {
      char[] c = new char[1];
      return read(c, 0, 1) < 0 ? -1 : c[0];
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
      int n;
      try {
        n = in.read(buf, off, len);
      } catch (CharacterCodingException e) {
        NotUtf8TextException named = new NotUtf8TextException(file, "line " + line);
        named.initCause(e);
        throw named;
      }
      for (int i = 0; i < n; i++) if (buf[off + i] == '\n') line++;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      char[] b = new char[(int) Math.min(n, 8192)];
      int r = read(b, 0, b.length);
      return Math.max(r, 0);
    }
  }
}

package org.facenet.embed;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.facenet.io.AtomicFiles;
import org.facenet.io.NotUtf8TextException;
import org.facenet.io.TextFiles;

/**
 * The embeddings CSV: header {@code path,label,e0..e{D-1}}, one row an image. Written through a temporary file that
 * is renamed into place only when complete ({@link #write} for rows in memory; {@link Writer} streams rows batch by
 * batch, as facenet-embed does); read back with every malformed row reported by its line number.
 */
public final class EmbeddingsCsv {

  private EmbeddingsCsv() {}

  /** Writes {@code rows} whole (an empty list gives a header without values). */
  public static void write(Path file, List<EmbeddingRow> rows) throws IOException {
    int dim = rows.isEmpty() ? 0 : rows.get(0).embedding().length;
    AtomicFiles.write(file, out -> {
      Writer w = new Writer(out, dim);
      w.write(rows);
      w.flush();
    });
  }

  /**
   * Hidden temporary files beside {@code out} that an interrupted run (killed while streaming its rows) left behind:
   * {@link AtomicFiles} names them {@code .NAME.*.tmp}. Listed, not deleted: another run may be writing one.
   */
  public static List<Path> leftTemporaries(Path out) throws IOException {
    Path abs = out.toAbsolutePath();
    if (abs.getParent() == null || !Files.isDirectory(abs.getParent())) return List.of();
    String prefix = "." + abs.getFileName() + ".";
    try (java.util.stream.Stream<Path> s = Files.list(abs.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".tmp"))
          .sorted().toList();
    }
  }

  /**
   * Writes rows of {@code dim} values to a stream, header first, each {@link #write(List)} reaching the stream at once
   * (nothing kept): with {@link AtomicFiles#write} the rows stream into the temporary file and the file appears only
   * when the whole run succeeded.
   */
  public static final class Writer {

    private final int dim;
    private final CSVPrinter csv;

    public Writer(OutputStream out, int dim) throws IOException {
      this.dim = dim;
      List<String> header = new ArrayList<>(List.of("path", "label"));
      for (int i = 0; i < dim; i++) header.add("e" + i);
      this.csv = new CSVPrinter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16),
          CSVFormat.DEFAULT.builder().setRecordSeparator('\n').setHeader(header.toArray(String[]::new)).build());
    }

    /** Writes a batch of rows and flushes them to the stream. */
    public void write(List<EmbeddingRow> rows) throws IOException {
      List<Object> values = new ArrayList<>(dim + 2);
      for (EmbeddingRow r : rows) {
        if (r.embedding().length != dim) {
          throw new IllegalArgumentException(r.path() + ": embedding has " + r.embedding().length + " values, expected " + dim);
        }
        values.clear();
        values.add(r.path());
        values.add(r.label());
        for (float v : r.embedding()) values.add(Float.toString(v));
        csv.printRecord(values);
      }
      csv.flush();
    }

    /** Flushes everything written to the stream (which stays open). */
    public void flush() throws IOException {
      csv.flush();
    }
  }

  /**
   * Reads an embeddings CSV. Errors name the file and line: a missing header, a row with the wrong number
   * of columns, a value that is not a finite number, or an empty file.
   */
  public static List<EmbeddingRow> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": embeddings CSV not found");
    try (Reader r = TextFiles.reader(file);
        CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
      List<String> header = parser.getHeaderNames();
      if (header.size() < 3 || !header.get(0).equals("path") || !header.get(1).equals("label")) {
        throw new IllegalArgumentException(file + ":1: expected header 'path,label,e0,...', got '" + String.join(",", header) + "'");
      }
      int dim = header.size() - 2;
      List<EmbeddingRow> rows = new ArrayList<>();
      for (CSVRecord rec : parser) {
        long line = parser.getCurrentLineNumber();
        if (rec.size() != dim + 2) {
          throw new IllegalArgumentException(file + ":" + line + ": expected " + (dim + 2) + " columns (path, label and "
              + dim + " values), got " + rec.size());
        }
        float[] e = new float[dim];
        for (int i = 0; i < dim; i++) {
          String v = rec.get(i + 2);
          float f;
          try {
            f = Float.parseFloat(v);
          } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(file + ":" + line + ": column e" + i + " is not a number: '" + v + "'");
          }
          if (!Float.isFinite(f)) throw new IllegalArgumentException(file + ":" + line + ": column e" + i + " is " + v);
          e[i] = f;
        }
        rows.add(new EmbeddingRow(rec.get(0), rec.get(1), e));
      }
      if (rows.isEmpty()) throw new IllegalArgumentException(file + ": the CSV has a header but no rows");
      return rows;
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      if (e.getCause() instanceof NotUtf8TextException n) throw n;
      throw new IllegalArgumentException(file + ": not a readable CSV: " + e.getMessage(), e);
    }
  }
}

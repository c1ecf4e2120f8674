package org.facenet.align;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.facenet.io.AtomicFiles;

/**
 * {@code facenet detect}'s CSV: {@code path,face,x1,y1,x2,y2,score,lx1,ly1,...,lx5,ly5}, one row a face, faces of a
 * photo numbered from 0 highest score first; a photo without a face (or unreadable) has no row. UTF-8, written whole
 * or not at all.
 */
public final class FacesCsv {

  public static final String[] HEADER = {"path", "face", "x1", "y1", "x2", "y2", "score", "lx1", "ly1", "lx2", "ly2",
      "lx3", "ly3", "lx4", "ly4", "lx5", "ly5"};

  private FacesCsv() {}

  public static void write(Path out, List<PhotoDetections.Result> results) throws IOException {
    AtomicFiles.write(out, stream -> {
      Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
      CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').setHeader(HEADER).build());
      for (PhotoDetections.Result r : results) {
        for (int i = 0; i < r.faces().size(); i++) {
          Face f = r.faces().get(i);
          Object[] row = new Object[HEADER.length];
          row[0] = r.path().toString();
          row[1] = i;
          row[2] = px(f.x1());
          row[3] = px(f.y1());
          row[4] = px(f.x2());
          row[5] = px(f.y2());
          row[6] = String.format(Locale.ROOT, "%.6f", f.score());
          for (int k = 0; k < 5; k++) {
            row[7 + 2 * k] = px(f.landmarkX()[k]);
            row[8 + 2 * k] = px(f.landmarkY()[k]);
          }
          csv.printRecord(row);
        }
      }
      csv.flush();
    });
  }

  private static String px(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }
}

package org.facenet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.facenet.io.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

class TensorBoardWriterTest {

  @TempDir
  Path dir;

  /** Reads the TFRecord framing (length, crc, data, crc) of an event file into Event protos. */
  static List<Event> readEvents(Path file) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Event> events = new ArrayList<>();
    while (b.remaining() > 0) {
      long length = b.getLong();
      b.getInt();
      byte[] data = new byte[(int) length];
      b.get(data);
      b.getInt();
      events.add(Event.parseFrom(data));
    }
    return events;
  }

  @Test
  void scalarsLandInAnEventFileTensorBoardReads() throws Exception {
    Map<String, Double> scalars = new LinkedHashMap<>();
    scalars.put("total_loss", 2.5);
    scalars.put("fraction_active_triplets", 0.25);
    try (TensorBoardWriter w = new TensorBoardWriter(dir)) {
      w.scalars(7, scalars);
      w.scalar(8, "total_loss", 1.5);
    }
    Path file;
    try (Stream<Path> s = Files.list(dir)) {
      file = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).findFirst().orElseThrow();
    }
    List<Event> events = readEvents(file);
    assertTrue(events.get(0).getFileVersion().startsWith("brain.Event:"), events.get(0).toString());
    Map<String, Float> atSeven = new LinkedHashMap<>();
    float atEight = Float.NaN;
    for (Event e : events) {
      for (Summary.Value v : e.getSummary().getValueList()) {
        // WriteScalarSummary writes Summary.Value.simple_value, which TensorBoard's scalar dashboard reads.
        assertEquals(Summary.Value.ValueCase.SIMPLE_VALUE, v.getValueCase(), v.toString());
        float x = v.getSimpleValue();
        if (e.getStep() == 7) atSeven.put(v.getTag(), x);
        if (e.getStep() == 8) atEight = x;
      }
    }
    assertEquals(Map.of("total_loss", 2.5f, "fraction_active_triplets", 0.25f), atSeven);
    assertEquals(1.5f, atEight);
    AtomicFiles.deleteRecursively(dir);
  }
}

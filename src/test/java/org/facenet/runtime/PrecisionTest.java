package org.facenet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

public class PrecisionTest {

  @TempDir
  Path dir;

  @Test
  void bfloat16TurnsOnTensorFlowsOneDnnMixedPrecisionRewriteAndFloat32LeavesItOff() {
    ConfigProto on = Precision.BFLOAT16.applyTo(ConfigProto.newBuilder()).build();
    ConfigProto off = Precision.FLOAT32.applyTo(ConfigProto.newBuilder()).build();
    assertEquals(RewriterConfig.Toggle.ON, on.getGraphOptions().getRewriteOptions().getAutoMixedPrecisionOnednnBfloat16());
    assertEquals(RewriterConfig.Toggle.DEFAULT, off.getGraphOptions().getRewriteOptions().getAutoMixedPrecisionOnednnBfloat16());
    assertEquals(RewriterConfig.Toggle.ON,
        SessionOptions.config(2, false, Precision.BFLOAT16).getGraphOptions().getRewriteOptions()
            .getAutoMixedPrecisionOnednnBfloat16());
  }

  @Test
  void warnsOnlyWhenTheCpuFlagsLackBfloat16Instructions() throws Exception {
    Path with = Files.writeString(dir.resolve("with"),
        "processor\t: 0\nflags\t\t: fpu sse avx512f avx512_bf16 avx512_vnni\n\nprocessor\t: 1\n");
    Path amx = Files.writeString(dir.resolve("amx"), "flags\t\t: fpu avx512f amx_bf16 amx_tile\n");
    Path without = Files.writeString(dir.resolve("without"), "flags\t\t: fpu avx512f avx512_vnni avx512_bf16x\n");
    assertEquals(java.util.Optional.of(true), Precision.bfloat16Flags(with));
    assertEquals(java.util.Optional.of(false), Precision.bfloat16Flags(without), "avx512_bf16x is another flag");
    assertEquals(java.util.Optional.empty(), Precision.bfloat16Flags(dir.resolve("missing")));
    assertTrue(Precision.cpuWarning(with).isEmpty());
    assertTrue(Precision.cpuWarning(amx).isEmpty());
    String warning = Precision.cpuWarning(without).orElseThrow();
    assertTrue(warning.contains("no bfloat16 instructions"), warning);
    assertTrue(Precision.cpuWarning(dir.resolve("missing")).isEmpty(), "no cpuinfo to read: no claim either way");
    assertFalse(Precision.FLOAT32.cpuWarning().isPresent());
  }
}

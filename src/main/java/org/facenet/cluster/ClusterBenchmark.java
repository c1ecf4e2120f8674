package org.facenet.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Times clustering of synthetic Gaussian-blob embeddings ({@link SyntheticEmbeddings}: 512-D, 50 points an
 * identity, sigma 0.02 a coordinate, so same-identity pairs sit about 0.6 apart and others about 1.4) and prints a
 * markdown table of wall time and peak memory.
 *
 * <pre>
 * java -cp CLASSPATH org.facenet.cluster.ClusterBenchmark [--threads T] [--xmx 4g] [n ...]   (default 10000 30000 100000)
 * </pre>
 *
 * Each (n, algorithm) case runs in a fresh JVM ({@code -Xmx} as given, default 4g;
 * {@code -XX:ActiveProcessorCount=T}) so its peak resident memory (VmHWM, which includes the JVM itself) is its
 * own. Times are wall clock for the whole clustering: neighbour search plus the algorithm; generating the data is
 * not timed. The cases: DBSCAN eps 0.9 min-samples 5, Chinese whispers 0.55 x 20, agglomerative average 0.9.
 */
public final class ClusterBenchmark {

  static final String[] ALGORITHMS = {"dbscan", "chinese-whispers", "agglomerative"};

  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 1 && args[0].equals("--case")) {
      runCase(Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]), SearchMethod.parse(args[4]));
      return;
    }
    int threads = Runtime.getRuntime().availableProcessors();
    String xmx = "4g";
    SearchMethod search = SearchMethod.AUTO;
    String[] algorithms = ALGORITHMS;
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--xmx" -> xmx = args[++i];
        case "--search" -> search = SearchMethod.parse(args[++i]);
        case "--algorithm" -> algorithms = new String[] {args[++i]};
        default -> sizes.add(Integer.parseInt(args[i].replace("_", "").replace("k", "000")));
      }
    }
    if (sizes.isEmpty()) sizes = List.of(10_000, 30_000, 100_000);
    System.out.println("| n | algorithm | search | neighbour search s | clustering s | total s | pairs within radius | clusters"
        + " (identities) | BCubed F | peak heap MB | peak RSS MB |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int n : sizes) {
      for (String algo : algorithms) {
        Process p = new ProcessBuilder(java, "-Xmx" + xmx, "-XX:ActiveProcessorCount=" + threads, "-cp",
            System.getProperty("java.class.path"), ClusterBenchmark.class.getName(), "--case", Integer.toString(n), algo,
            Integer.toString(threads), search.spelling()).redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.startsWith("|")) last = line;
            else System.err.println("  " + line);
          }
        }
        int rc = p.waitFor();
        System.out.println(last != null && rc == 0 ? last : "| " + n + " | " + algo + " | failed (exit " + rc + ") |");
      }
    }
    System.out.printf("search: %s; machine: %d processor(s) used of %d, %s %s, Java %s; load average at the end %.2f%n",
        search.spelling(), threads,
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  static Clusterer algorithm(String name) {
    return switch (name) {
      case "dbscan" -> new Dbscan(0.9, 5);
      case "chinese-whispers" -> new ChineseWhispers(0.55, 20, 0);
      case "agglomerative" -> new Agglomerative(0.9, Agglomerative.Linkage.AVERAGE);
      default -> throw new IllegalArgumentException("unknown algorithm " + name);
    };
  }

  private static void runCase(int n, String algo, int threads, SearchMethod search) throws IOException {
    Embeddings e = SyntheticEmbeddings.blobs(n, 512, Math.max(1, n / 50), 0.02, 42);
    Clusterer c = algorithm(algo);
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) pool.resetPeakUsage();
    long t0 = System.nanoTime();
    Embeddings space = c.normalises() ? e.normalised() : e;
    search = search.resolve(n);
    NeighbourGraph g = search.create(n, threads, PartitionedNeighbourSearch.DEFAULT_PROBES).radiusGraph(space, c.radius());
    long t1 = System.nanoTime();
    Clustering result = c.cluster(space, g);
    long t2 = System.nanoTime();
    long heap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) heap += pool.getPeakUsage().getUsed();
    }
    ClusterQuality q = ClusterQuality.of(result, e.labels());
    System.out.printf("| %,d | %s | %s | %.1f | %.1f | %.1f | %,d | %d (%d) | %.4f | %d | %s |%n", n, c.describe(), search.spelling(),
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t2 - t0) / 1e9, g.edgeCount(), result.clusterCount(), q.identities(),
        q.bcubedF(), heap >> 20, peakRss());
  }

  /** VmHWM from /proc/self/status in MB, or "n/a" off Linux. */
  static String peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.toString(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
      }
    } catch (IOException | RuntimeException ex) {
      // not Linux
    }
    return "n/a";
  }
}

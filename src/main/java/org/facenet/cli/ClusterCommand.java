package org.facenet.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.facenet.cluster.Agglomerative;
import org.facenet.cluster.ChineseWhispers;
import org.facenet.cluster.ClusterBenchmark;
import org.facenet.cluster.ClusterOutputs;
import org.facenet.cluster.ClusterQuality;
import org.facenet.cluster.Clusterer;
import org.facenet.cluster.Clustering;
import org.facenet.cluster.ContactSheet;
import org.facenet.cluster.Dbscan;
import org.facenet.cluster.Embeddings;
import org.facenet.cluster.NeighbourGraph;
import org.facenet.cluster.NeighbourSearch;
import org.facenet.cluster.SearchMethod;
import org.facenet.cluster.ThresholdScan;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code facenet cluster embeddings.csv --out clusters.csv}: a thin layer over {@link org.facenet.cluster}. */
@Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Cluster the faces of an embeddings CSV (path,label,e0..e{D-1}, as facenet-embed writes) and write "
        + "'path,cluster' (noise: -1; cluster 0 is the largest), with optional folders of images per cluster and an "
        + "HTML contact sheet.",
        "When the CSV's labels name at least two identities, the clustering is scored against them. --suggest scans "
            + "the threshold instead and reports the best value."})
public final class ClusterCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", paramLabel = "CSV", description = "Embeddings CSV from facenet-embed.")
  Path csv;

  @Option(names = "--out", paramLabel = "CSV", defaultValue = "clusters.csv",
      description = "Output CSV 'path,cluster', written whole or not at all (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--algorithm", paramLabel = "NAME", defaultValue = "dbscan",
      description = "dbscan, chinese-whispers or agglomerative (default: ${DEFAULT-VALUE}).")
  String algorithm;

  @Option(names = "--eps", paramLabel = "D", defaultValue = "1.0",
      description = "DBSCAN: neighbourhood radius, Euclidean distance (default: ${DEFAULT-VALUE}, as facenet's "
          + "contributed/cluster.py).")
  double eps;

  @Option(names = "--min-samples", paramLabel = "N", defaultValue = "5",
      description = "DBSCAN: points within eps, the point itself included, that make a core point (default: "
          + "${DEFAULT-VALUE}, as scikit-learn; facenet's cluster.py uses 1, which never marks noise).")
  int minSamples;

  @Option(names = "--similarity", paramLabel = "S", defaultValue = "0.55",
      description = "Chinese whispers: link faces whose cosine similarity exceeds S (default: ${DEFAULT-VALUE}, as "
          + "facenet's contributed/clustering.py).")
  double similarity;

  @Option(names = "--iterations", paramLabel = "N", defaultValue = "20",
      description = "Chinese whispers: rounds (default: ${DEFAULT-VALUE}, as facenet's clustering.py).")
  int iterations;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
      description = "Chinese whispers: seed of the random visiting order; also the silhouette sample's (default: "
          + "${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--distance-threshold", paramLabel = "D", defaultValue = "1.0",
      description = "Agglomerative: merge clusters while their linkage distance (Euclidean) is below D (default: "
          + "${DEFAULT-VALUE}).")
  double distanceThreshold;

  @Option(names = "--linkage", paramLabel = "L", defaultValue = "average",
      description = "Agglomerative: average or complete (default: ${DEFAULT-VALUE}).")
  String linkage;

  @ArgGroup(exclusive = true)
  Folders folders;

  static final class Folders {
    @Option(names = "--copy-to", paramLabel = "DIR",
        description = "Copy the images into DIR/<cluster>/ (DIR/noise/ for noise), as facenet's clustering script "
            + "(default: none).")
    Path copyTo;

    @Option(names = "--link-to", paramLabel = "DIR",
        description = "Like --copy-to with symbolic links to the images (default: none).")
    Path linkTo;
  }

  @Option(names = "--images-root", paramLabel = "DIR", defaultValue = ".",
      description = "Folder that relative image paths in the CSV start from (default: ${DEFAULT-VALUE}).")
  Path imagesRoot;

  @Option(names = "--report", paramLabel = "HTML",
      description = "Write a contact sheet: one row of thumbnails per cluster, embedded, no server needed (default: none).")
  Path report;

  @Option(names = "--report-thumbnail", paramLabel = "PX", defaultValue = "64",
      description = "Contact sheet thumbnail size (default: ${DEFAULT-VALUE}).")
  int thumbnail;

  @Option(names = "--report-per-cluster", paramLabel = "N", defaultValue = "24",
      description = "Contact sheet thumbnails per cluster (default: ${DEFAULT-VALUE}).")
  int perCluster;

  @Option(names = "--report-clusters", paramLabel = "N", defaultValue = "500",
      description = "Contact sheet clusters shown, largest first (default: ${DEFAULT-VALUE}).")
  int reportClusters;

  @Option(names = "--suggest",
      description = "Scan the threshold (eps, similarity or distance threshold), print a table and the best value, "
          + "and exit without clustering: by BCubed F (and pairwise F1) when the CSV has labels, else by mean "
          + "silhouette on a sample (default: off).")
  boolean suggest;

  @Option(names = "--suggest-range", paramLabel = "FROM:TO:STEP",
      description = "Values --suggest tries (default: 0.5:1.2:0.05 for eps, 0.3:0.9:0.05 for similarity, "
          + "0.5:1.3:0.05 for the distance threshold).")
  String suggestRange;

  @Option(names = "--suggest-sample", paramLabel = "N", defaultValue = "500",
      description = "Points whose silhouette --suggest computes when there are no labels (default: ${DEFAULT-VALUE}).")
  int suggestSample;

  @Option(names = "--ignore-labels", description = "Do not score against the CSV's labels (default: off).")
  boolean ignoreLabels;

  @Option(names = "--search", paramLabel = "METHOD", defaultValue = "auto",
      description = "Neighbour search: auto (java below 5000 embeddings, else tensorflow-bf16 if the CPU has bfloat16 "
          + "instructions, else tensorflow), java, tensorflow, tensorflow-bf16 (all exact) or partitioned "
          + "(approximate: k-means cells, for millions) "
          + "(default: ${DEFAULT-VALUE}).")
  String search;

  @Option(names = "--probes", paramLabel = "N", defaultValue = "10",
      description = "partitioned search: cells (of sqrt(n)) each face is compared with; more finds more pairs "
          + "(default: ${DEFAULT-VALUE}).")
  int probes;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "Threads, 0: all processors (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--bench", hidden = true, split = ",", paramLabel = "N",
      description = "Benchmark on synthetic embeddings of these sizes (e.g. 10000,30000,100000) and exit.")
  List<String> bench;

  /** The algorithm the options describe. */
  Clusterer clusterer() {
    return switch (algorithm) {
      case "dbscan" -> new Dbscan(eps, minSamples);
      case "chinese-whispers" -> new ChineseWhispers(similarity, iterations, seed);
      case "agglomerative" -> new Agglomerative(distanceThreshold, Agglomerative.Linkage.parse(linkage));
      default -> throw new IllegalArgumentException(
          "--algorithm must be dbscan, chinese-whispers or agglomerative, got '" + algorithm + "'");
    };
  }

  @Override
  public Integer call() throws Exception {
    int nThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    if (bench != null) {
      List<String> args = new java.util.ArrayList<>(List.of("--threads", Integer.toString(nThreads)));
      if (!search.equals("auto")) args.addAll(List.of("--search", search));
      args.addAll(bench);
      ClusterBenchmark.main(args.toArray(String[]::new));
      return 0;
    }
    if (csv == null) throw new IllegalArgumentException("missing the embeddings CSV (see --help)");
    Clusterer clusterer = clusterer();
    SearchMethod requested = SearchMethod.parse(search);
    long t0 = System.nanoTime();
    Embeddings e = Embeddings.read(csv);
    System.out.printf("read %d embedding(s) of %d values from %s in %.1f s%n", e.size(), e.dim(), csv, seconds(t0));
    boolean labels = !ignoreLabels && e.hasLabels();
    SearchMethod method = requested.resolve(e.size());
    NeighbourSearch searcher = method.create(e.size(), nThreads, probes);
    if (suggest) {
      double[] grid = suggestRange == null ? ThresholdScan.defaultGrid(clusterer) : parseRange(suggestRange);
      long t1 = System.nanoTime();
      ThresholdScan.Result r = ThresholdScan.run(clusterer, e, grid, searcher, labels, suggestSample, seed);
      System.out.print(r.table(parameterName()));
      System.out.printf("scanned %d value(s) in %.1f s; rerun with %s %s to write the clusters%n", grid.length,
          seconds(t1), "--" + parameterName(), r.best().threshold());
      return 0;
    }
    long t1 = System.nanoTime();
    Embeddings space = clusterer.normalises() ? e.normalised() : e;
    NeighbourGraph graph = searcher.radiusGraph(space, clusterer.radius());
    double searchSeconds = seconds(t1);
    long t2 = System.nanoTime();
    Clustering c = clusterer.cluster(space, graph);
    System.out.printf("%s: neighbour search (%s) %.1f s, %,d pair(s) within %.4f; clustering %.1f s%n",
        clusterer.describe(), method.spelling(), searchSeconds, graph.edgeCount(), clusterer.radius(), seconds(t2));
    System.out.println(c.summary());
    ClusterOutputs.writeCsv(out, e, c);
    System.out.println("wrote " + out);
    if (folders != null) {
      boolean link = folders.linkTo != null;
      Path dir = link ? folders.linkTo : folders.copyTo;
      ClusterOutputs.writeFolders(dir, e, c, imagesRoot, link);
      System.out.printf("%s the images into %s/<cluster>/%n", link ? "linked" : "copied", dir);
    }
    if (report != null) {
      new ContactSheet(thumbnail, perCluster, reportClusters).write(report, e, c, clusterer.describe() + " - " + csv,
          imagesRoot);
      System.out.println("wrote " + report);
    }
    if (labels) System.out.print(ClusterQuality.of(c, e.labels()).describe());
    return 0;
  }

  private String parameterName() {
    return switch (algorithm) {
      case "chinese-whispers" -> "similarity";
      case "agglomerative" -> "distance-threshold";
      default -> "eps";
    };
  }

  static double[] parseRange(String s) {
    String[] p = s.split(":");
    try {
      if (p.length != 3) throw new NumberFormatException();
      return ThresholdScan.grid(Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]));
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException("--suggest-range must be FROM:TO:STEP, e.g. 0.5:1.2:0.05, got '" + s + "'");
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}

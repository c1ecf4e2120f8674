package org.facenet.cli;

import java.io.IOException;
import java.nio.file.Files;
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
import org.facenet.progress.Progress;
import org.facenet.progress.ProgressListener;
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

  @Range(min = 0, minExclusive = true)
  @Option(names = "--eps", paramLabel = "D", defaultValue = "1.0",
      description = "DBSCAN: neighbourhood radius, Euclidean distance (default: ${DEFAULT-VALUE}, as facenet's "
          + "contributed/cluster.py).")
  double eps;

  @Range(min = 1)
  @Option(names = "--min-samples", paramLabel = "N", defaultValue = "5",
      description = "DBSCAN: points within eps, the point itself included, that make a core point (default: "
          + "${DEFAULT-VALUE}, as scikit-learn; facenet's cluster.py uses 1, which never marks noise).")
  int minSamples;

  @Range(min = -1, max = 1)
  @Option(names = "--similarity", paramLabel = "S", defaultValue = "0.55",
      description = "Chinese whispers: link faces whose cosine similarity exceeds S (default: ${DEFAULT-VALUE}, as "
          + "facenet's contributed/clustering.py).")
  double similarity;

  @Range(min = 1)
  @Option(names = "--iterations", paramLabel = "N", defaultValue = "20",
      description = "Chinese whispers: rounds (default: ${DEFAULT-VALUE}, as facenet's clustering.py).")
  int iterations;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
      description = "Chinese whispers: seed of the random visiting order; also the silhouette sample's (default: "
          + "${DEFAULT-VALUE}).")
  long seed;

  @Range(min = 0, minExclusive = true)
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
        description = "Copy the images into DIR/cluster-0000/ (cluster 0 of the CSV), DIR/cluster-0001/, ... and "
            + "DIR/noise/, each named <identity folder>_<file name>. DIR must be new or empty, unless --overwrite "
            + "(default: none).")
    Path copyTo;

    @Option(names = "--link-to", paramLabel = "DIR",
        description = "Like --copy-to with symbolic links to the images (default: none).")
    Path linkTo;
  }

  @Option(names = "--overwrite",
      description = "Let --copy-to/--link-to write into a folder that is not empty: this run's files are added, "
          + "nothing there is deleted or replaced (a file of this run that exists with other content stops the run "
          + "before anything is written; one that is identical is left as it is) (default: off).")
  boolean overwrite;

  @Option(names = "--images-root", paramLabel = "DIR", defaultValue = ".",
      description = "Folder that relative image paths in the CSV start from (default: ${DEFAULT-VALUE}).")
  Path imagesRoot;

  @Option(names = "--report", paramLabel = "HTML",
      description = "Write a contact sheet: one row of thumbnails per cluster, embedded, no server needed (default: none).")
  Path report;

  @Range(min = 8, max = 1024)
  @Option(names = "--report-thumbnail", paramLabel = "PX", defaultValue = "64",
      description = "Contact sheet thumbnail size (default: ${DEFAULT-VALUE}).")
  int thumbnail;

  @Range(min = 1)
  @Option(names = "--report-per-cluster", paramLabel = "N", defaultValue = "24",
      description = "Contact sheet thumbnails per cluster (default: ${DEFAULT-VALUE}).")
  int perCluster;

  @Range(min = 1)
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

  @Range(min = 1)
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

  @Range(min = 1)
  @Option(names = "--probes", paramLabel = "N", defaultValue = "10",
      description = "partitioned search: cells (of sqrt(n)) each face is compared with; more finds more pairs "
          + "(default: ${DEFAULT-VALUE}).")
  int probes;

  @Range(min = 0)
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
    // every option and output target is checked before any work
    Clusterer clusterer = clusterer();
    SearchMethod requested = SearchMethod.parse(search);
    double[] grid = !suggest ? null : suggestRange == null ? ThresholdScan.defaultGrid(clusterer) : parseRange(suggestRange);
    ContactSheet sheet = report == null ? null : new ContactSheet(thumbnail, perCluster, reportClusters);
    Path dir = folders == null ? null : folders.linkTo != null ? folders.linkTo : folders.copyTo;
    if (overwrite && dir == null) throw new IllegalArgumentException("--overwrite goes with --copy-to or --link-to");
    if (!suggest) {
      checkOutputFile(out, "--out");
      if (report != null) checkOutputFile(report, "--report");
      if (report != null && report.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
        throw new IllegalArgumentException("--report and --out name the same file: " + out);
      }
      if (dir != null) ClusterOutputs.checkFolderTarget(dir, overwrite);
    }
    long t0 = System.nanoTime();
    Embeddings e = Embeddings.read(csv);
    System.out.printf("read %d embedding(s) of %d values from %s in %.1f s%n", e.size(), e.dim(), csv, seconds(t0));
    if (!suggest && dir != null) ClusterOutputs.checkImages(e, imagesRoot);
    boolean labels = !ignoreLabels && e.hasLabels();
    SearchMethod method = requested.resolve(e.size());
    NeighbourSearch searcher = method.create(e.size(), nThreads, probes);
    if (suggest) {
      long t1 = System.nanoTime();
      Progress progress = searchProgress(e.size());
      ThresholdScan.Result r = ThresholdScan.run(clusterer, e, grid, searcher, labels, suggestSample, seed,
          progress == null ? ProgressListener.NONE : progress);
      if (progress != null) progress.finish();
      System.out.print(r.table(parameterName()));
      if (r.isFlat()) {
        System.out.printf("scanned %d value(s) in %.1f s; the scan is flat, no --%s to suggest: %s%n", grid.length,
            seconds(t1), parameterName(), r.proposal() == null
                ? "the embeddings are all alike (is the model trained?)"
                : "rerun with --suggest --suggest-range " + r.proposalRange());
      } else {
        System.out.printf("scanned %d value(s) in %.1f s; rerun with %s %s to write the clusters%n", grid.length,
            seconds(t1), "--" + parameterName(), r.best().threshold());
      }
      return 0;
    }
    long t1 = System.nanoTime();
    Embeddings space = clusterer.normalises() ? e.normalised() : e;
    Progress progress = searchProgress(e.size());
    NeighbourGraph graph = searcher.radiusGraph(space, clusterer.radius(),
        progress == null ? ProgressListener.NONE : progress);
    if (progress != null) progress.finish();
    double searchSeconds = seconds(t1);
    long t2 = System.nanoTime();
    Clustering c = clusterer.cluster(space, graph);
    System.out.printf("%s: neighbour search (%s) %.1f s, %,d pair(s) within %.4f; clustering %.1f s%n",
        clusterer.describe(), method.spelling(), searchSeconds, graph.edgeCount(), clusterer.radius(), seconds(t2));
    System.out.println(c.summary());
    ClusterOutputs.writeCsv(out, e, c);
    System.out.println("wrote " + out);
    if (dir != null) {
      boolean link = folders.linkTo != null;
      ClusterOutputs.FolderReport written = ClusterOutputs.writeFolders(dir, e, c, imagesRoot, link, overwrite);
      System.out.printf("%s %d image(s) into %s/cluster-NNNN/%s%n", link ? "linked" : "copied", written.written(), dir,
          written.alreadyThere() > 0 ? " (" + written.alreadyThere() + " identical one(s) were already there)" : "");
    }
    if (sheet != null) {
      sheet.write(report, e, c, clusterer.describe() + " - " + csv, imagesRoot);
      System.out.println("wrote " + report);
    }
    if (labels) System.out.print(ClusterQuality.of(c, e.labels()).describe());
    return 0;
  }

  /** A display of the neighbour search (its blocks of work) for inputs large enough to take a while, else null. */
  private static Progress searchProgress(int n) {
    return n >= PROGRESS_FROM ? Progress.onStdout("neighbour search", 1, "blocks") : null;
  }

  /** Embeddings from which the neighbour search shows its progress (about 10,000 take a second or two). */
  static final int PROGRESS_FROM = 10_000;

  /** A file this run will write: not a folder, not the input CSV, and in a folder that exists or can be made. */
  private void checkOutputFile(Path file, String option) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + ": is a folder; " + option + " names the file to write");
    }
    if (Files.exists(file) && Files.exists(csv) && Files.isSameFile(file, csv)) {
      throw new IllegalArgumentException(option + " " + file + " is the input CSV; it would be replaced");
    }
    Path parent = file.toAbsolutePath().getParent();
    while (parent != null && !Files.exists(parent)) parent = parent.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new IllegalArgumentException(file + ": cannot be written, " + parent + " is not a folder");
    }
    if (parent != null && !Files.isWritable(parent)) {
      throw new IllegalArgumentException(file + ": cannot be written, folder " + parent + " is not writable");
    }
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

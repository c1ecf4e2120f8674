package org.facenet.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Decoding, augmentation and batching in parallel with the training step: a producer thread asks the sampler
 * for a batch's images, decodes and augments them on {@code threads} workers, and queues at most
 * {@code prefetch} finished batches (bounded memory). Images are decoded and augmented by
 * {@link TensorFlowImageDecoder}, the decoder of facenet-embed and facenet-verify: without augmentation a file gives
 * the same pixels here as there. An unreadable image (corrupt, truncated, over the pixel limit) is reported once
 * (naming the file), counted, never decoded again, and replaced in its batch by another image of the same identity.
 * An {@link Error} (e.g. out of memory) is not a bad image: it stops the pipeline and {@link #next} throws it.
 * Augmentation is deterministic given the seed.
 */
public final class InputPipeline implements AutoCloseable {

  private static final Batch END = new Batch(new float[0], new int[0], 0, 1);

  private final ImageDataset dataset;
  private final BatchSampler sampler;
  private final int imageSize;
  private final Augmentation augmentation;
  private final TensorFlowImageDecoder decoder;
  private final DecodedImageCache cache;
  private final Consumer<String> warnings;
  private final ExecutorService workers;
  private final BlockingQueue<Batch> ready;
  private final Thread producer;
  private final SplittableRandom random;
  private final Queue<String> pendingWarnings = new ConcurrentLinkedQueue<>();
  private final ConcurrentHashMap<Integer, String> bad = new ConcurrentHashMap<>();
  private volatile Throwable failure;
  private volatile boolean closed;
  private volatile long producedImages;
  private volatile long busyNanos;

  /** A pipeline with the default pixel limit ({@link ImageHeader#DEFAULT_MAX_PIXELS}). */
  public InputPipeline(ImageDataset dataset, BatchSampler sampler, int imageSize, Augmentation augmentation, int threads,
      int prefetch, long seed, Consumer<String> warnings) {
    this(dataset, sampler, imageSize, augmentation, threads, prefetch, seed, ImageHeader.DEFAULT_MAX_PIXELS, warnings);
  }

  /** A pipeline that skips images of more than {@code maxImagePixels} pixels ({@code --max-image-pixels}). */
  public InputPipeline(ImageDataset dataset, BatchSampler sampler, int imageSize, Augmentation augmentation, int threads,
      int prefetch, long seed, long maxImagePixels, Consumer<String> warnings) {
    this(dataset, sampler, imageSize, augmentation, threads, prefetch, seed, maxImagePixels, null, warnings);
  }

  /**
   * A pipeline that keeps the decoded images in {@code cache} (null: none; it may outlive the pipeline and serve the
   * next one of the same data set): each file is then read and decoded once and later batches only resample the
   * cached pixels with the same TensorFlow ops, to the same floats as without it.
   */
  public InputPipeline(ImageDataset dataset, BatchSampler sampler, int imageSize, Augmentation augmentation, int threads,
      int prefetch, long seed, long maxImagePixels, DecodedImageCache cache, Consumer<String> warnings) {
    this.cache = cache;
    this.decoder = new TensorFlowImageDecoder(imageSize, maxImagePixels);
    this.dataset = dataset;
    this.sampler = sampler;
    this.imageSize = imageSize;
    this.augmentation = augmentation;
    this.warnings = warnings;
    this.random = new SplittableRandom(seed);
    this.ready = new ArrayBlockingQueue<>(Math.max(1, prefetch));
    this.workers = Executors.newFixedThreadPool(Math.max(1, threads), daemon("facenet-decode"));
    this.producer = daemon("facenet-input").newThread(this::produce);
    producer.start();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** The next batch (blocks until one is ready); warnings about skipped files are delivered here. */
  public Batch next() throws InterruptedException {
    Batch b = ready.take();
    drainWarnings();
    if (b == END) {
      ready.offer(END);
      if (failure instanceof Error e) throw e;
      throw failure instanceof RuntimeException e ? e : new IllegalStateException("input pipeline closed");
    }
    return b;
  }

  private void drainWarnings() {
    for (String w; (w = pendingWarnings.poll()) != null; ) warnings.accept(w);
  }

  /** Unreadable images skipped so far. */
  public long skippedCount() {
    return bad.size();
  }

  /** The skipped files with the reason, one string each. */
  public List<String> skippedFiles() {
    return new ArrayList<>(bad.values());
  }

  /** The pipeline's own throughput: images produced per second of producer work (waiting for queue space excluded). */
  public double imagesPerSecond() {
    long busy = busyNanos;
    return busy == 0 ? 0 : producedImages / (busy / 1e9);
  }

  private void produce() {
    try {
      while (!closed) {
        long start = System.nanoTime();
        Batch batch = assemble(sampler.next());
        busyNanos += System.nanoTime() - start;
        producedImages += batch.size;
        ready.put(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      failure = e;
    } finally {
      ready.clear();
      ready.offer(END);
    }
  }

  private Batch assemble(int[] indices) throws InterruptedException {
    int per = imageSize * imageSize * 3;
    float[] pixels = new float[indices.length * per];
    int[] labels = new int[indices.length];
    List<Future<float[]>> futures = new ArrayList<>(indices.length);
    SplittableRandom[] randoms = new SplittableRandom[indices.length];
    for (int i = 0; i < indices.length; i++) {
      int index = indices[i];
      SplittableRandom r = random.split();
      randoms[i] = r;
      futures.add(bad.containsKey(index) ? null : workers.submit(() -> load(index, r)));
    }
    for (int i = 0; i < indices.length; i++) {
      int index = indices[i];
      float[] img = null;
      Future<float[]> f = futures.get(i);
      if (f != null) {
        try {
          img = f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof BadImageException bad) markBad(index, bad);
          else if (e.getCause() instanceof Error error) throw error;
          else if (e.getCause() instanceof RuntimeException re) throw re;
          else throw new IllegalStateException(e.getCause());
        }
      }
      while (img == null) {
        index = sampler.replacement(index, j -> !bad.containsKey(j), randoms[i]);
        try {
          img = load(index, randoms[i]);
        } catch (BadImageException e) {
          markBad(index, e);
        }
      }
      System.arraycopy(img, 0, pixels, i * per, per);
      labels[i] = dataset.images().get(index).label();
    }
    return new Batch(pixels, labels, indices.length, imageSize);
  }

  private void markBad(int index, BadImageException cause) {
    String why = cause.getMessage();
    if (bad.putIfAbsent(index, why) == null) pendingWarnings.add("skipped " + why);
    if (bad.size() == dataset.images().size()) {
      throw new DatasetException(dataset.root() + ": none of its " + bad.size() + " images could be read");
    }
  }

  private float[] load(int index, SplittableRandom r) throws BadImageException {
    float[] out = new float[imageSize * imageSize * 3];
    java.nio.file.Path file = dataset.images().get(index).path();
    TensorFlowImageDecoder.ViewChooser view = (w, h) -> augmentation.sample(w, h, r);
    DecodedImage kept = cache == null ? null : cache.get(index);
    if (kept != null) {
      decoder.renderInto(file, kept, out, 0, view);
    } else if (cache == null || cache.streaming()) {
      decoder.decodeInto(file, out, 0, view);
    } else {
      decoder.decodeInto(file, out, 0, view, d -> {
        String full = cache.put(index, d);
        if (full != null) pendingWarnings.add(full);
      });
    }
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    producer.interrupt();
    workers.shutdownNow();
    producer.join(TimeUnit.SECONDS.toMillis(10));
    // the decoder's session is closed only once no worker can be inside it
    if (workers.awaitTermination(10, TimeUnit.SECONDS) && !producer.isAlive()) decoder.close();
    drainWarnings();
  }
}

package org.facenet.distribute;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * TensorFlow's multi-worker convention, the {@code TF_CONFIG} environment variable:
 * {@code {"cluster": {"worker": ["host:port", ...]}, "task": {"type": "worker", "index": i}}}. Every worker runs the
 * same command with the same flags; worker 0 is the chief. Only the {@code worker} job is used (no parameter servers,
 * no separate chief task: synchronous all-reduce needs neither).
 *
 * @param workers every worker's {@code host:port}, in index order
 * @param index   this process's index in {@code workers}
 */
public record TfConfig(List<String> workers, int index) {

  public static final String VARIABLE = "TF_CONFIG";

  public TfConfig {
    workers = List.copyOf(workers);
    if (workers.isEmpty()) throw new IllegalArgumentException(VARIABLE + ": cluster.worker lists no worker");
    if (index < 0 || index >= workers.size()) {
      throw new IllegalArgumentException(VARIABLE + ": task.index " + index + " is not one of the " + workers.size()
          + " workers (0.." + (workers.size() - 1) + ")");
    }
    for (String w : workers) port(w);
  }

  /** The configuration in the environment, if {@code TF_CONFIG} is set and not blank. */
  public static Optional<TfConfig> fromEnvironment() {
    String json = System.getenv(VARIABLE);
    return json == null || json.isBlank() ? Optional.empty() : Optional.of(parse(json));
  }

  /** Parses a {@code TF_CONFIG} value; a malformed one is an IllegalArgumentException saying what is wrong. */
  public static TfConfig parse(String json) {
    try {
      JsonObject root = JsonParser.parseString(json).getAsJsonObject();
      JsonObject cluster = object(root, "cluster");
      for (String job : cluster.keySet()) {
        if (!job.equals("worker")) {
          throw new IllegalArgumentException(VARIABLE + ": job '" + job + "' is not supported; list every process under "
              + "\"worker\" (worker 0 is the chief)");
        }
      }
      JsonElement list = cluster.get("worker");
      if (list == null || !list.isJsonArray()) throw new IllegalArgumentException(VARIABLE + ": cluster.worker must be a list");
      List<String> workers = new ArrayList<>();
      for (JsonElement e : (JsonArray) list) workers.add(e.getAsString());
      JsonObject task = object(root, "task");
      String type = task.has("type") ? task.get("type").getAsString() : "worker";
      if (!type.equals("worker")) throw new IllegalArgumentException(VARIABLE + ": task.type must be \"worker\", got " + type);
      if (!task.has("index")) throw new IllegalArgumentException(VARIABLE + ": task.index is missing");
      return new TfConfig(workers, task.get("index").getAsInt());
    } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
      throw new IllegalArgumentException(VARIABLE + " is not valid: " + e.getMessage() + " (expected {\"cluster\": "
          + "{\"worker\": [\"host:port\", ...]}, \"task\": {\"type\": \"worker\", \"index\": i}})", e);
    }
  }

  /** This worker's {@code host:port}. */
  public String address() {
    return workers.get(index);
  }

  /** The port of a {@code host:port} address. */
  static int port(String address) {
    int colon = address.lastIndexOf(':');
    try {
      int port = Integer.parseInt(address.substring(colon + 1));
      if (colon <= 0 || port < 1 || port > 65535) throw new NumberFormatException();
      return port;
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException(VARIABLE + ": worker address '" + address + "' is not host:port");
    }
  }

  private static JsonObject object(JsonObject parent, String key) {
    JsonElement e = parent.get(key);
    if (e == null || !e.isJsonObject()) throw new IllegalArgumentException(VARIABLE + ": \"" + key + "\" must be an object");
    return e.getAsJsonObject();
  }
}

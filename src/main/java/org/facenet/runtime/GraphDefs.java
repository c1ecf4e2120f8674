package org.facenet.runtime;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/** Walks over a {@link GraphDef}'s nodes by their inputs. */
public final class GraphDefs {

  private GraphDefs() {}

  /** The node an input names: {@code "^a"} (a control input), {@code "a:1"} and {@code "a"} all name {@code a}. */
  public static String nodeName(String input) {
    String s = input.startsWith("^") ? input.substring(1) : input;
    int colon = s.lastIndexOf(':');
    return colon < 0 ? s : s.substring(0, colon);
  }

  /**
   * The names of the nodes {@code roots} depend on through data and control inputs, the roots included; refused if a
   * root or an input names a node {@code def} does not have.
   */
  public static Set<String> ancestors(GraphDef def, Collection<String> roots) {
    Map<String, NodeDef> byName = new HashMap<>();
    for (NodeDef n : def.getNodeList()) byName.put(n.getName(), n);
    Set<String> seen = new HashSet<>();
    ArrayDeque<String> todo = new ArrayDeque<>(roots);
    while (!todo.isEmpty()) {
      String name = todo.pop();
      if (!seen.add(name)) continue;
      NodeDef n = byName.get(name);
      if (n == null) throw new IllegalArgumentException("the graph has no node " + name);
      for (String input : n.getInputList()) todo.add(nodeName(input));
    }
    return seen;
  }
}

package org.facenet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/** The walks over a GraphDef's inputs, on a hand-made graph. */
class GraphDefsTest {

  private static NodeDef node(String name, String... inputs) {
    return NodeDef.newBuilder().setName(name).setOp("Identity").addAllInput(List.of(inputs)).build();
  }

  @Test
  void inputsNameTheirNode() {
    assertEquals("a", GraphDefs.nodeName("a"));
    assertEquals("a", GraphDefs.nodeName("a:1"));
    assertEquals("scope/a", GraphDefs.nodeName("^scope/a"));
    assertEquals("scope/a_2", GraphDefs.nodeName("scope/a_2:12"));
  }

  @Test
  void ancestorsFollowDataAndControlInputsOnly() {
    // a -> b:1 -> c, d ^-> c (control), e unrelated, f depends on c (a descendant, not an ancestor)
    GraphDef g = GraphDef.newBuilder().addNode(node("a")).addNode(node("b", "a")).addNode(node("d"))
        .addNode(node("c", "b:1", "^d")).addNode(node("e")).addNode(node("f", "c")).build();
    assertEquals(Set.of("a", "b", "c", "d"), GraphDefs.ancestors(g, List.of("c")));
    assertEquals(Set.of("a", "b", "e"), GraphDefs.ancestors(g, List.of("b", "e")));
    var e = assertThrows(IllegalArgumentException.class, () -> GraphDefs.ancestors(g, List.of("nope")));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }
}

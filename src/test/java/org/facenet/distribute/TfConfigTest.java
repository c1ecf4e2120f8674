package org.facenet.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TfConfigTest {

  @Test
  void readsTensorFlowsConvention() {
    TfConfig c = TfConfig.parse("{\"cluster\": {\"worker\": [\"localhost:2222\", \"10.0.0.2:2223\"]}, "
        + "\"task\": {\"type\": \"worker\", \"index\": 1}}");
    assertEquals(List.of("localhost:2222", "10.0.0.2:2223"), c.workers());
    assertEquals(1, c.index());
    assertEquals("10.0.0.2:2223", c.address());
    assertEquals(2223, TfConfig.port(c.address()));
  }

  @Test
  void malformedConfigurationsSayWhatIsWrong() {
    String[][] cases = {
        {"{\"cluster\": {\"worker\": [\"a:1\"]}, \"task\": {\"type\": \"worker\", \"index\": 3}}", "task.index 3"},
        {"{\"cluster\": {\"worker\": [\"a:1\"], \"ps\": [\"b:2\"]}, \"task\": {\"index\": 0}}", "job 'ps'"},
        {"{\"cluster\": {\"worker\": [\"a\"]}, \"task\": {\"index\": 0}}", "'a' is not host:port"},
        {"{\"cluster\": {\"worker\": [\"a:1\"]}, \"task\": {\"type\": \"chief\", \"index\": 0}}", "task.type"},
        {"{\"cluster\": {\"worker\": []}, \"task\": {\"index\": 0}}", "lists no worker"},
        {"{\"task\": {\"index\": 0}}", "\"cluster\" must be an object"},
        {"not json", "TF_CONFIG is not valid"},
    };
    for (String[] c : cases) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TfConfig.parse(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), e.getMessage());
    }
  }
}

package io.temppass.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.JsonLogCapture;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Structured logs: one JSON object per line, the request id a field of its own, never read out of
 * the message.
 */
class LogsTest {

  private static List<JsonObject> lines(JsonLogCapture capture, String logger) {
    return capture.lines().stream()
        .map(JsonObject::new)
        .filter(j -> logger.equals(j.getString("logger")))
        .toList();
  }

  /**
   * Breakage caught: the encoder without the gateway's field names (Logstash's {@code @timestamp},
   * {@code logger_name}, {@code stack_trace}).
   */
  @Test
  void a_request_scoped_event_becomes_one_json_line_with_its_request_id() {
    String line;
    try (JsonLogCapture capture = new JsonLogCapture()) {
      LoggerFactory.getLogger("logs.test.scoped")
          .atWarn()
          .addKeyValue(Logs.REQUEST_ID, "4edf09e0-3f93-40fc-80c0-2e5d695589e3")
          .setCause(new IllegalStateException("boom"))
          .log("decision failed: {}", "timeout");
      line =
          capture.lines().stream()
              .filter(l -> l.contains("logs.test.scoped"))
              .findFirst()
              .orElseThrow();
    }
    assertTrue(line.endsWith(System.lineSeparator()), line);
    assertEquals(1, line.strip().lines().count());
    JsonObject json = new JsonObject(line);
    assertEquals("WARN", json.getString("level"));
    assertEquals("logs.test.scoped", json.getString("logger"));
    assertEquals("decision failed: timeout", json.getString("message"));
    assertEquals("4edf09e0-3f93-40fc-80c0-2e5d695589e3", json.getString("requestId"));
    assertTrue(json.getString("error").contains("IllegalStateException: boom"));
    assertTrue(json.getString("ts").endsWith("Z"), json.getString("ts"));
    assertFalse(
        json.containsKey("@version")
            || json.containsKey("thread_name")
            || json.containsKey("level_value"),
        line);
  }

  /**
   * The formatter used to lift any {@code [token]} of a message into {@code requestId}; now only
   * the structured key does.
   */
  @Test
  void a_bracketed_word_in_a_message_is_not_a_request_id() {
    try (JsonLogCapture capture = new JsonLogCapture()) {
      LoggerFactory.getLogger("logs.test.plain").info("control-plane poll failed [redis-1:6379]");
      List<JsonObject> lines = lines(capture, "logs.test.plain");
      assertEquals(1, lines.size());
      assertEquals(null, lines.get(0).getValue("requestId"));
      assertEquals("control-plane poll failed [redis-1:6379]", lines.get(0).getString("message"));
    }
  }

  /**
   * The classes that log through {@code System.Logger} reach the same Logback appender, at every
   * level. Breakage caught: without slf4j-jdk-platform-logging they go to java.util.logging and
   * this capture sees nothing.
   */
  @Test
  void system_logger_calls_reach_logback() {
    try (JsonLogCapture capture = new JsonLogCapture()) {
      System.getLogger("logs.test.platform")
          .log(System.Logger.Level.DEBUG, "through the platform logger");
      List<JsonObject> lines = lines(capture, "logs.test.platform");
      assertEquals(1, lines.size(), capture.lines().toString());
      assertEquals("DEBUG", lines.get(0).getString("level"));
      assertEquals("through the platform logger", lines.get(0).getString("message"));
    }
  }
}

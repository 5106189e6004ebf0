package io.temppass.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** Structured logs: one JSON object per line, carrying the request id of request-scoped messages. */
class JsonLogFormatterTest {

  @Test
  void a_request_scoped_message_becomes_one_json_line_with_its_request_id() {
    LogRecord record = new LogRecord(Level.WARNING, "decision failed [4edf09e0-3f93-40fc-80c0-2e5d695589e3]: timeout");
    record.setLoggerName("io.temppass.gateway.http.DecisionsHandler");
    record.setThrown(new IllegalStateException("boom"));
    String line = new JsonLogFormatter().format(record);
    assertTrue(line.endsWith(System.lineSeparator()));
    assertEquals(1, line.strip().lines().count());
    JsonObject json = new JsonObject(line);
    assertEquals("WARNING", json.getString("level"));
    assertEquals("io.temppass.gateway.http.DecisionsHandler", json.getString("logger"));
    assertEquals("4edf09e0-3f93-40fc-80c0-2e5d695589e3", json.getString("requestId"));
    assertTrue(json.getString("error").contains("IllegalStateException: boom"));
    assertTrue(json.getString("ts").endsWith("Z"));
  }

  @Test
  void a_message_without_a_request_id_has_none() {
    JsonObject json = new JsonObject(new JsonObjectFormatterProbe().format("control-plane poll failed"));
    assertEquals(null, json.getValue("requestId"));
  }

  private static final class JsonObjectFormatterProbe {
    String format(String message) {
      return new JsonLogFormatter().format(new LogRecord(Level.INFO, message));
    }
  }
}

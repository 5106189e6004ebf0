package io.temppass.gateway.logging;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One JSON object per line for log collectors: {@code ts}, {@code level}, {@code logger},
 * {@code message}, {@code requestId} (lifted from the {@code [id]} that request-scoped messages carry)
 * and {@code error}. Messages never contain raw identities, device ids or tokens: the code logs
 * hashes, codes and request ids only.
 */
public final class JsonLogFormatter extends Formatter {
  private static final Pattern REQUEST_ID = Pattern.compile("\\[([A-Za-z0-9._:-]{1,128})]");

  @Override
  public String format(LogRecord record) {
    String message = formatMessage(record);
    JsonObject line = new JsonObject()
        .put("ts", Instant.ofEpochMilli(record.getMillis()).toString())
        .put("level", record.getLevel().getName())
        .put("logger", record.getLoggerName())
        .put("message", message);
    Matcher m = REQUEST_ID.matcher(message == null ? "" : message);
    if (m.find()) line.put("requestId", m.group(1));
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      line.put("error", trace.toString());
    }
    return line.encode() + System.lineSeparator();
  }
}

package io.temppass.gateway.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import io.opentelemetry.api.trace.SpanContext;
import io.temppass.gateway.tracing.Spans;
import java.io.IOException;
import java.util.List;
import net.logstash.logback.composite.AbstractJsonProvider;
import org.slf4j.event.KeyValuePair;

/**
 * The trace and span ids of the request a log line was written for ({@code traceId}, {@code
 * spanId}), when tracing is on (README "Tracing"). Read when the line is encoded, from the Vert.x
 * context of the thread that logs (the request's span, kept there by vertx-opentelemetry), which is
 * the thread the line was logged on: the gateway's appender writes synchronously. Added to the
 * encoders only when tracing is on ({@link Logs#toStandardOutput(boolean, boolean)}); an operator's
 * own Logback file adds {@code <provider class="io.temppass.gateway.logging.TraceIds$Json"/>} to a
 * LogstashEncoder.
 */
public final class TraceIds {
  public static final String TRACE_ID = "traceId";
  public static final String SPAN_ID = "spanId";

  private TraceIds() {}

  /**
   * Whether the line names its trace itself (the request log, written after the request's span has
   * ended, gives it as a key-value pair).
   */
  static boolean named(ILoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs == null) return false;
    for (KeyValuePair pair : pairs) if (TRACE_ID.equals(pair.key)) return true;
    return false;
  }

  /** The JSON fields, for logstash-logback-encoder. */
  public static final class Json extends AbstractJsonProvider<ILoggingEvent> {
    @Override
    public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
      SpanContext span = Spans.logged();
      if (span == null || named(event)) return;
      generator.writeStringField(TRACE_ID, span.getTraceId());
      generator.writeStringField(SPAN_ID, span.getSpanId());
    }
  }

  /** {@code %traceId} of the text format: {@code " traceId=… spanId=…"}, or nothing. */
  public static final class Text extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
      SpanContext span = Spans.logged();
      return span == null || named(event)
          ? ""
          : " " + TRACE_ID + "=" + span.getTraceId() + " " + SPAN_ID + "=" + span.getSpanId();
    }
  }
}

package io.temppass.gateway.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import io.temppass.gateway.logging.Logs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every line logged through SLF4J (the gateway's own loggers, Vert.x's and Netty's), at every level
 * (the root logger and the gateway's loggers are opened to ALL while it is in place; loggers pinned
 * at INFO by the product stay pinned), encoded by the production JSON encoder ({@link
 * Logs#jsonEncoder}): what a log privacy test must search. Restores the levels on close.
 */
public final class JsonLogCapture implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LoggerContext context = Logs.context();
  private final Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
  private final Logger gateway = context.getLogger("io.temppass");
  private final Level rootBefore = root.getLevel();
  private final Level gatewayBefore = gateway.getLevel();
  private final Encoder<ILoggingEvent> encoder;
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
          lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
        }
      };

  public JsonLogCapture() {
    this(false);
  }

  /** With {@code traceIds}, the production encoder of a gateway whose tracing is on. */
  public JsonLogCapture(boolean traceIds) {
    encoder = Logs.jsonEncoder(context, traceIds);
    appender.setContext(context);
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.ALL);
    gateway.setLevel(Level.ALL);
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    root.setLevel(rootBefore);
    gateway.setLevel(gatewayBefore);
    root.detachAppender(appender);
    appender.stop();
  }
}

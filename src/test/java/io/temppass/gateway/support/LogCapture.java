package io.temppass.gateway.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.temppass.gateway.logging.Logs;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records log lines at INFO or above, as {@code LEVEL logger: message}, from everything that logs
 * through SLF4J: the gateway's own loggers, Vert.x's and Netty's (bound to Logback).
 */
public final class LogCapture implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender =
      new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
          if (e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO))
            lines.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage());
        }
      };

  public LogCapture() {
    appender.setContext(Logs.context());
    appender.start();
    Logs.context().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }

  /** Lines at WARN or above. */
  public List<String> warnings() {
    return lines.stream().filter(l -> l.startsWith("WARN") || l.startsWith("ERROR")).toList();
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    Logs.context().getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
    appender.stop();
  }
}

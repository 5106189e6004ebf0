package io.temppass.gateway.support;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.LoggerFactory;

/**
 * Records log lines at INFO or above from both logging paths a test JVM has: the gateway's own
 * (System.Logger, i.e. java.util.logging) and Vert.x's and Netty's (SLF4J, bound to logback in tests).
 */
public final class LogCapture implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Handler jul = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() >= Level.INFO.intValue()) lines.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final AppenderBase<ILoggingEvent> slf4j = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent e) {
      if (e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.INFO)) lines.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage());
    }
  };

  public LogCapture() {
    java.util.logging.Logger.getLogger("").addHandler(jul);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    slf4j.setContext(context);
    slf4j.start();
    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(slf4j);
  }

  /** Lines at WARNING/WARN or above. */
  public List<String> warnings() {
    return lines.stream().filter(l -> l.startsWith("WARN") || l.startsWith("SEVERE") || l.startsWith("ERROR")).toList();
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    java.util.logging.Logger.getLogger("").removeHandler(jul);
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(slf4j);
    slf4j.stop();
  }
}

package io.temppass.gateway.support;

import io.temppass.gateway.logging.JsonLogFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every line the gateway logs, at every level (the root logger is opened to ALL while it is in
 * place), formatted by the production {@link JsonLogFormatter}: what a log privacy test must search.
 * Restores the root logger's level on close.
 */
public final class JsonLogCapture implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Logger root = Logger.getLogger("");
  private final Level before = root.getLevel();
  private final JsonLogFormatter format = new JsonLogFormatter();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      lines.add(format.format(record));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  public JsonLogCapture() {
    root.setLevel(Level.ALL);
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    root.removeHandler(handler);
    root.setLevel(before);
  }
}

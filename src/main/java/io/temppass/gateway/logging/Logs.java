package io.temppass.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.pattern.DynamicConverter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;
import org.slf4j.LoggerFactory;

/**
 * Where the logs go: standard output, one JSON object per line ({@code ts}, {@code level}, {@code
 * logger}, {@code message}, {@code requestId}, {@code error}; with tracing on {@code traceId} and
 * {@code spanId}, see {@link TraceIds}) or plain text. Everything logs through SLF4J into Logback:
 * the gateway's {@code System.Logger} calls by way of slf4j-jdk-platform-logging, Vert.x and Netty
 * directly.
 *
 * <p>A request id is a structured key-value pair of the event ({@link #REQUEST_ID}, SLF4J 2's
 * {@code addKeyValue}), added by the call sites that log about one request, which hold its id. Not
 * MDC: an event loop interleaves thousands of requests on one thread, so a thread-bound id would
 * have to be set and cleared around every callback, and one forgotten clear would tag other
 * requests' lines with the wrong id. Messages never contain raw identities, device ids or tokens:
 * the code logs hashes, codes and request ids only.
 */
public final class Logs {
  /** The key of a request's id in a log event, and the JSON field it becomes. */
  public static final String REQUEST_ID = "requestId";

  private Logs() {}

  /**
   * One appender on standard output, flushed at every line, in place of whatever Logback configured
   * by default; the root level is INFO. Levels set on single loggers ({@link #pinAtInfo}) stay. An
   * operator's own Logback file ({@code -Dlogback.configurationFile=…}, for other levels or
   * appenders) is left as it is.
   */
  public static void toStandardOutput(boolean json) {
    toStandardOutput(json, false);
  }

  /**
   * As {@link #toStandardOutput(boolean)}, each line with the trace and span ids of the request it
   * was logged for when {@code traceIds} ({@link TraceIds}; tracing on). Called again once the
   * configuration says whether tracing is on, replacing the first appender.
   */
  public static void toStandardOutput(boolean json, boolean traceIds) {
    if (System.getProperty("logback.configurationFile") != null) return;
    LoggerContext context = context();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.setLevel(Level.INFO);
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(context);
    out.setName("stdout");
    out.setEncoder(json ? jsonEncoder(context, traceIds) : textEncoder(context, traceIds));
    out.start();
    root.addAppender(out);
  }

  /** The JSON line of production logs, with the field names the gateway's logs have always had. */
  public static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    return jsonEncoder(context, false);
  }

  /** The JSON line, with {@code traceId} and {@code spanId} when {@code traceIds}. */
  public static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context, boolean traceIds) {
    LogstashEncoder encoder = new LogstashEncoder();
    if (traceIds) encoder.addProvider(new TraceIds.Json());
    encoder.setContext(context);
    encoder.setTimeZone("UTC");
    LogstashFieldNames names = encoder.getFieldNames();
    names.setTimestamp("ts");
    names.setLogger("logger");
    names.setStackTrace("error");
    names.setVersion("[ignore]");
    names.setLevelValue("[ignore]");
    names.setThread("[ignore]");
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> textEncoder(LoggerContext context, boolean traceIds) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    if (traceIds) textRules(context).put("traceId", TraceIds.Text::new);
    encoder.setPattern(
        "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level %logger: %msg %kvp"
            + (traceIds ? "%traceId" : "")
            + "%n");
    encoder.start();
    return encoder;
  }

  /** The context's own conversion words of pattern layouts, as a {@code <conversionRule>} adds. */
  @SuppressWarnings("unchecked")
  private static Map<String, Supplier<DynamicConverter<?>>> textRules(LoggerContext context) {
    synchronized (context) {
      Object rules = context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
      if (rules == null) {
        rules = new HashMap<String, Supplier<DynamicConverter<?>>>();
        context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
      }
      return (Map<String, Supplier<DynamicConverter<?>>>) rules;
    }
  }

  /**
   * Installs {@link VertxGaugeWarnings} once on the logging context, whoever configured the
   * appenders (this class or an operator's own Logback file): the warning is wrong in both.
   */
  public static void dropVertxGaugeReRegistrationWarnings() {
    LoggerContext context = context();
    synchronized (context) {
      boolean present =
          context.getTurboFilterList().stream().anyMatch(f -> f instanceof VertxGaugeWarnings);
      if (present) return;
      VertxGaugeWarnings filter = new VertxGaugeWarnings();
      filter.setContext(context);
      filter.start();
      context.addTurboFilter(filter);
    }
  }

  /**
   * Keeps {@code name} at INFO however low the root level goes (for loggers whose debug lines would
   * quote requests).
   */
  public static void pinAtInfo(String name) {
    context().getLogger(name).setLevel(Level.INFO);
  }

  /** Logback's context, which SLF4J is bound to (the only provider on the class path). */
  public static LoggerContext context() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }
}

package io.temppass.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Micrometer's "This Gauge has been already registered" warning for Vert.x's own gauges
 * ({@code vertx.*}), and only for them. vertx-micrometer-metrics registers a connection gauge such
 * as {@code vertx.http.client.active.connections} once per HTTP client endpoint, so the first MVPD
 * call (the login client and the authorization client are two) logged a WARNING that looks like
 * lost data. It is not: every registration of one meter id shares one {@code LongAdder} ({@code
 * io.vertx.micrometer.impl.meters.LongGauges}), so the gauge counts every client's connections.
 * Upstream: vert-x3/vertx-micrometer-metrics#259 and micrometer-metrics/micrometer#6931 (open);
 * drop this filter when vertx-micrometer registers each gauge once. For any other meter the warning
 * still shows, since there a second registration does lose its value.
 */
final class VertxGaugeWarnings extends TurboFilter {
  static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";
  static final String VERTX_GAUGE = "This Gauge has been already registered (MeterId{name='vertx.";

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    return level == Level.WARN
            && format != null
            && format.startsWith(VERTX_GAUGE)
            && LOGGER.equals(logger.getName())
        ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }
}

package io.temppass.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

/**
 * The filter behind the fix of the first MVPD call's WARNING (DevModeProcessTest shows it end to
 * end) drops exactly that warning: Micrometer's, for a Vert.x gauge. Caught breakage: a filter that
 * also hides the warning for the gateway's own meters, where a second registration does lose a
 * value, or other warnings of Micrometer.
 */
class VertxGaugeWarningsTest {
  private final VertxGaugeWarnings filter = new VertxGaugeWarnings();
  private final Logger micrometer = Logs.context().getLogger(VertxGaugeWarnings.LOGGER);

  @Test
  void drops_the_re_registration_warning_of_a_vertx_gauge() {
    assertEquals(
        FilterReply.DENY,
        decide(
            micrometer,
            Level.WARN,
            "This Gauge has been already registered (MeterId{name='vertx.http.client.active.connections', tags=[]}), the registration will be ignored. Note that subsequent logs will be logged at debug level."));
  }

  @Test
  void keeps_it_for_any_other_meter_and_every_other_line() {
    String ours =
        "This Gauge has been already registered (MeterId{name='temppass_queue', tags=[]}), the registration will be ignored.";
    assertEquals(FilterReply.NEUTRAL, decide(micrometer, Level.WARN, ours));
    String vertx =
        "This Gauge has been already registered (MeterId{name='vertx.http.client.active.connections', tags=[]})";
    assertEquals(
        FilterReply.NEUTRAL,
        decide(Logs.context().getLogger("io.temppass.gateway.Main"), Level.WARN, vertx));
    assertEquals(FilterReply.NEUTRAL, decide(micrometer, Level.ERROR, vertx));
    assertEquals(FilterReply.NEUTRAL, decide(micrometer, Level.WARN, null));
  }

  private FilterReply decide(Logger logger, Level level, String message) {
    return filter.decide(null, logger, level, message, null, null);
  }
}

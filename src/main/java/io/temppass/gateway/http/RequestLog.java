package io.temppass.gateway.http;

import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.logging.Logs;
import io.temppass.gateway.logging.TraceIds;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The request log ({@code logging.requests}): one INFO line per answered request with its method,
 * route label, status, duration, request id and client id (and trace id with tracing on), and for
 * an error its code and details. Never the path (it holds session codes) nor any header: the route
 * label says which endpoint. Off by default in production, where the metrics count requests; on in
 * development, where a person trying requests by hand wants to see why one failed.
 */
final class RequestLog {
  private static final Logger LOG = LoggerFactory.getLogger("io.temppass.gateway.requests");

  private final boolean enabled;

  RequestLog(boolean enabled) {
    this.enabled = enabled;
  }

  /** A routed request, when its response has gone. */
  void answered(RoutingContext ctx, long nanos) {
    if (!enabled) return;
    String client = ctx.get(HttpVerticle.CLIENT);
    if (client == null) client = ctx.get(AccessTokenSteps.ADMIN_CLIENT);
    line(
        ctx.request(),
        ctx.get(HttpErrors.ROUTE),
        ctx.response().getStatusCode(),
        nanos,
        ctx.get(HttpErrors.REQUEST_ID),
        client,
        ctx.get(HttpErrors.ERROR_CODE),
        ctx.get(HttpErrors.DETAILS),
        ctx.get(HttpErrors.TRACE_ID));
  }

  /** A request refused before routing (not valid HTTP, too large, smuggling-shaped). */
  void refused(HttpServerRequest req, ErrorCode error, String details, String requestId) {
    if (!enabled) return;
    line(req, null, error.status, 0, requestId, null, error.code, details, null);
  }

  private static void line(
      HttpServerRequest req,
      String route,
      int status,
      long nanos,
      String requestId,
      String client,
      String code,
      String details,
      String traceId) {
    String method = req.method() == null ? "?" : req.method().name();
    String routeName = route == null ? "-" : route;
    long millis = nanos / 1_000_000;
    LoggingEventBuilder line =
        LOG.atInfo()
            .addKeyValue("method", method)
            .addKeyValue("route", routeName)
            .addKeyValue("status", status)
            .addKeyValue("durationMs", millis)
            .addKeyValue(Logs.REQUEST_ID, requestId);
    if (client != null && !client.isEmpty()) line.addKeyValue("clientId", client);
    if (code != null) line.addKeyValue("code", code);
    if (details != null) line.addKeyValue("details", details);
    // The line is written after the response, when the request's span is no longer current.
    if (traceId != null) line.addKeyValue(TraceIds.TRACE_ID, traceId);
    line.log("{} {} {} {}ms", method, routeName, status, millis);
  }
}

package io.temppass.gateway.http;

import io.temppass.gateway.client.Applications;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;

/**
 * CORS for browser apps on the V2 and DCR APIs (never the admin API): an {@code Origin} whose host
 * is one of an approved registered application's {@code domains}, or a subdomain of one (any scheme
 * and port: the dashboard's domains are host names), is allowed, with the request headers the APIs
 * read and {@code X-Request-Id} exposed; a preflight from it is answered here, before the throttle.
 * Any other origin gets no CORS header, so the browser keeps the answer from the page. The allowed
 * origins follow the applications the control plane polls: a revoked application's origins stop
 * within a poll.
 */
final class Cors implements Handler<RoutingContext> {
  /**
   * The request headers Adobe's answers allow, less its legacy ones, plus those the V2 API reads.
   */
  static final String ALLOW_HEADERS =
      "authorization,content-type,accept,AP-Device-Identifier,X-Device-Info,AP-TempPass-Identity,"
          + "AP-Partner-Framework-Status,AP-Visitor-Identifier,X-Request-Id";

  static final String ALLOW_METHODS = "GET,POST";
  private static final String MAX_AGE = "600";

  private final Applications applications;

  /** {@code applications} null (no DCR): no origin is allowed. */
  Cors(Applications applications) {
    this.applications = applications;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
    HttpServerResponse response = ctx.response();
    if (origin != null) response.headers().add(HttpHeaders.VARY, "Origin");
    if (origin == null || !allowed(origin)) {
      ctx.next();
      return;
    }
    response
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
        .putHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, "X-Request-Id");
    if (ctx.request().method() == HttpMethod.OPTIONS
        && ctx.request().getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD) != null) {
      response
          .setStatusCode(204)
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS)
          .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS)
          .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE)
          .end();
      return;
    }
    ctx.next();
  }

  private boolean allowed(String origin) {
    if (applications == null || origin.length() > 512) return false;
    try {
      URI uri = new URI(origin);
      String scheme = uri.getScheme();
      return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
          && uri.getRawPath().isEmpty()
          && applications.allowsOrigin(uri.getHost());
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return false;
    }
  }
}

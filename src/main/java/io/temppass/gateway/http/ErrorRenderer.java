package io.temppass.gateway.http;

import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.tracing.Spans;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The one place that turns an {@link ErrorCode} into an Enhanced Error, top-level or item-level.
 */
public final class ErrorRenderer {
  /** What the sign-in pages may load and who may frame them: nothing and no one. */
  static final String PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'";

  private final String helpUrl;

  public ErrorRenderer(String helpUrl) {
    this.helpUrl = helpUrl;
  }

  /**
   * The base of every {@code helpUrl}: {@code server.helpUrl} when set; else the gateway's own
   * error reference ({@link Endpoints#ERRORS}) at {@code sessions.publicUrl} when set (where
   * browsers reach the gateway), else at {@code server.host} and the port it listens on ({@code
   * localhost} for a wildcard host), which is right for a gateway tried on one's own machine.
   */
  public static String helpUrl(GatewayConfig config, int port) {
    if (config.server().helpUrl() != null) return config.server().helpUrl();
    String publicUrl = config.sessions() == null ? null : config.sessions().publicUrl();
    if (publicUrl != null) return publicUrl + Endpoints.ERRORS;
    String host = config.server().host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) host = "localhost";
    else if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
    return "http://" + host + ":" + port + Endpoints.ERRORS;
  }

  /** The item-level error object of a deny decision (no trace: the response carries it). */
  public JsonObject item(ErrorCode error) {
    return new JsonObject()
        .put("status", error.status)
        .put("code", error.code)
        .put("message", error.message)
        .put("helpUrl", helpUrl + "#" + error.code)
        .put("action", error.action);
  }

  /**
   * An item-level error with the partner's text in {@code details} (Enhanced Error Codes), when
   * there is one.
   */
  public JsonObject item(ErrorCode error, String details) {
    JsonObject item = item(error);
    if (details != null && !details.isEmpty()) item.put("details", details);
    return item;
  }

  /**
   * The browser step's errors: Adobe documents {@code text/html} bodies there (a person, not an
   * app, reads them). The message is ours, never input, but is escaped all the same.
   */
  public void html(HttpServerResponse response, int status, String message, String requestId) {
    if (response.ended() || response.closed()) return;
    String text =
        message
            .replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace("\"", "&quot;");
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html;charset=UTF-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        // The page is a heading and two paragraphs: no script, style, image or frame of its own,
        // so it needs nothing from any source and may appear in no one's frame (clickjacking);
        // nosniff keeps a browser from reading it as anything but HTML.
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", PAGE_POLICY)
        .end(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Sign-in error</title></head><body><h1>Sign-in error</h1><p>"
                + text
                + "</p><p>Reference: "
                + requestId
                + "</p></body></html>");
  }

  /**
   * The errors of Adobe's DCR API ({@code /o/client/*}), which are OAuth's, not Enhanced Errors:
   * status 400 and {@code {"error": code}}, with RFC 6749's {@code error_description} saying what
   * to fix.
   */
  public void oauth(HttpServerResponse response, String code, String description) {
    if (response.ended() || response.closed()) return;
    response
        .setStatusCode(400)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json;charset=UTF-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(new JsonObject().put("error", code).put("error_description", description).toBuffer());
  }

  /** Ends the response with a top-level Enhanced Error: the body is the error object itself. */
  public Future<Void> topLevel(HttpServerResponse response, ErrorCode error, String requestId) {
    return topLevel(response, error, requestId, null);
  }

  /**
   * As {@link #topLevel(HttpServerResponse, ErrorCode, String)}, with {@code details} (when not
   * null): what exactly was wrong, in words the client's developer can act on. Never a secret and
   * never the access token: callers build it from the gateway's own words and the setting names.
   */
  public Future<Void> topLevel(
      HttpServerResponse response, ErrorCode error, String requestId, String details) {
    if (response.ended() || response.closed()) return Future.succeededFuture();
    if (response.headWritten()) {
      response.reset();
      return Future.succeededFuture();
    }
    JsonObject body = item(error, details).put("trace", requestId);
    // With tracing on, the trace this request belongs to (the load balancer's, when it sent a
    // traceparent): what an operator looks up in the tracing backend.
    String traceId = Spans.traceId();
    if (traceId != null) body.put("traceId", traceId);
    response.setStatusCode(error.status);
    if (error.status == 401)
      response.putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    if (error.status == 429) response.putHeader("Retry-After", "1");
    // Completes once written: callers that must close the connection afterwards wait for it.
    return response
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json;charset=UTF-8")
        .end(body.toBuffer());
  }
}

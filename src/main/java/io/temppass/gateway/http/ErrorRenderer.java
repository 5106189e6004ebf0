package io.temppass.gateway.http;

import io.temppass.gateway.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * The one place that turns an {@link ErrorCode} into an Enhanced Error, top-level or item-level.
 */
public final class ErrorRenderer {
  private final String helpUrl;

  public ErrorRenderer(String helpUrl) {
    this.helpUrl = helpUrl;
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
   * {@link #topLevel(HttpServerResponse, ErrorCode, String)} with {@code details} when not null.
   */
  public Future<Void> topLevel(
      HttpServerResponse response, ErrorCode error, String requestId, String details) {
    if (response.ended() || response.closed()) return Future.succeededFuture();
    if (response.headWritten()) {
      response.reset();
      return Future.succeededFuture();
    }
    JsonObject body = item(error, details).put("trace", requestId);
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

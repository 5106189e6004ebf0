package io.temppass.gateway.http;

import io.temppass.gateway.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** The one place that turns an {@link ErrorCode} into an Enhanced Error, top-level or item-level. */
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

  /** Ends the response with a top-level Enhanced Error: the body is the error object itself. */
  public Future<Void> topLevel(HttpServerResponse response, ErrorCode error, String requestId) {
    if (response.ended() || response.closed()) return Future.succeededFuture();
    if (response.headWritten()) {
      response.reset();
      return Future.succeededFuture();
    }
    JsonObject body = item(error).put("trace", requestId);
    response.setStatusCode(error.status);
    if (error.status == 401) response.putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    if (error.status == 429) response.putHeader("Retry-After", "1");
    // Completes once written: callers that must close the connection afterwards wait for it.
    return response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json;charset=UTF-8").end(body.toBuffer());
  }
}

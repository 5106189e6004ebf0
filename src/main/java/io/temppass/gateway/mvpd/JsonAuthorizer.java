package io.temppass.gateway.mvpd;

import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.tracing.Spans;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/**
 * The JSON adaptation of Adobe's XACML authorization query (docs/MVPD.md): subject, resource,
 * action {@code VIEW} and the client IP out; {@code Permit}/{@code Deny}, an optional TTL and
 * obligations back. Transport failures are classified here: no connection or no answer in time is
 * {@code network_connection_timeout}; an error status or an answer that is not the contract is
 * {@code network_received_error}.
 */
public final class JsonAuthorizer implements MvpdAuthorizer {
  private static final int MAX_MESSAGE_CHARS = 512;

  private final WebClient web;
  private final String url;
  private final String basicAuthorization;
  private final long readTimeoutMillis;

  public JsonAuthorizer(
      WebClient web, String url, String clientId, String clientSecret, long readTimeoutMillis) {
    this.web = web;
    this.url = url;
    this.basicAuthorization =
        clientId == null
            ? null
            : "Basic "
                + java.util.Base64.getEncoder()
                    .encodeToString(
                        (clientId + ":" + clientSecret)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    this.readTimeoutMillis = readTimeoutMillis;
  }

  @Override
  public Future<Verdict> authorize(
      String userId, String resource, String clientIp, String requestor) {
    JsonObject query =
        new JsonObject()
            .put("subject", new JsonObject().put("userID", userId))
            .put("resource", resource)
            .put("action", "VIEW")
            .put("environment", new JsonObject().put("clientIp", clientIp))
            .put("requestor", requestor);
    var request =
        web.postAbs(url)
            .idleTimeout(readTimeoutMillis)
            .as(CappedBody.MVPD_ANSWER)
            .putHeader("Accept", "application/json");
    if (basicAuthorization != null) request.putHeader("Authorization", basicAuthorization);
    return Spans.around("mvpd authorization", () -> request.sendJsonObject(query))
        .transform(
            ar ->
                ar.succeeded()
                    ? Future.succeededFuture(verdict(ar.result()))
                    : Future.failedFuture(classify(ar.cause())));
  }

  static Verdict verdict(HttpResponse<Buffer> response) {
    if (response.statusCode() / 100 != 2) {
      throw new MvpdCallException(
          ErrorCode.NETWORK_RECEIVED_ERROR, "MVPD answered HTTP " + response.statusCode());
    }
    JsonObject body;
    try {
      body = response.body() == null ? null : new JsonObject(response.body());
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null)
      throw new MvpdCallException(
          ErrorCode.NETWORK_RECEIVED_ERROR, "MVPD answer is not a JSON object");
    Object decision = body.getValue("decision");
    long ttl = -1;
    Object ttlValue = body.getValue("ttl");
    if (ttlValue instanceof Number n && n.longValue() >= 0) {
      ttl = Math.multiplyExact(n.longValue(), 1000L);
    } else if (ttlValue != null) {
      throw new MvpdCallException(
          ErrorCode.NETWORK_RECEIVED_ERROR, "MVPD answer has an invalid ttl");
    }
    if ("Permit".equals(decision)) return new Verdict(true, false, null, ttl);
    if (!"Deny".equals(decision))
      throw new MvpdCallException(
          ErrorCode.NETWORK_RECEIVED_ERROR, "MVPD answer has no Permit/Deny decision");
    String message = body.getValue("message") instanceof String s ? s : null;
    if (message != null && message.length() > MAX_MESSAGE_CHARS)
      message = message.substring(0, MAX_MESSAGE_CHARS);
    return new Verdict(
        false, hasObligation(body.getValue("obligations"), "restrict-pc"), message, ttl);
  }

  private static boolean hasObligation(Object obligations, String id) {
    if (!(obligations instanceof JsonArray list)) return false;
    for (Object o : list) {
      if (o instanceof JsonObject obligation && id.equals(obligation.getValue("id"))) return true;
      if (id.equals(o)) return true;
    }
    return false;
  }

  static MvpdCallException classify(Throwable cause) {
    if (cause instanceof MvpdCallException e) return e;
    boolean noConnection =
        cause instanceof ConnectException
            || cause instanceof NoRouteToHostException
            || cause instanceof UnknownHostException
            || cause instanceof TimeoutException
            || cause instanceof io.netty.channel.ConnectTimeoutException
            || cause.getClass().getSimpleName().contains("Timeout");
    return new MvpdCallException(
        noConnection ? ErrorCode.NETWORK_CONNECTION_TIMEOUT : ErrorCode.NETWORK_RECEIVED_ERROR,
        "MVPD call failed: "
            + cause.getClass().getSimpleName()
            + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
  }
}

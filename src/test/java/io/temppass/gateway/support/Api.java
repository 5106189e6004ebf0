package io.temppass.gateway.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * A client for one gateway, with Adobe's sample headers as defaults; every response it receives is
 * checked against docs/openapi.yaml ({@link ApiContract}).
 */
public final class Api {
  /** The device id of Adobe's samples, and its header form. */
  public static final String SAMPLE_DEVICE = "ba23d141-d715-561c-94f4-e9e4c966b1eb";

  public static final String SAMPLE_DEVICE_INFO =
      "ewoJInByaW1hcnlIYXJkd2FyZVR5cGUiOiAiU2V0VG9wQm94IiwKCSJtb2RlbCI6ICJUViA1dGggR2VuIiwKCSJtYW51ZmFjdHVyZXIiOiAiQXBwbGUiLAoJIm9zTmFtZSI6ICJ0dk9TIgoJIm9zVmVuZG9yIjogIkFwcGxlIiwKCSJvc1ZlcnNpb24iOiAiMTEuMCIKfQ==";

  private final WebClient client;
  private final int port;

  public Api(Vertx vertx, int port) {
    this(vertx, port, 8);
  }

  public Api(Vertx vertx, int port, int connections) {
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
            new PoolOptions().setHttp1MaxSize(connections));
    this.port = port;
    // Every response a test receives must also be one docs/openapi.yaml describes.
    ApiContract.validateResponses(client, port);
  }

  public static String fingerprint(String deviceId) {
    return "fingerprint "
        + Base64.getEncoder().encodeToString(deviceId.getBytes(StandardCharsets.UTF_8));
  }

  public static String identity(String email) {
    return Base64.getEncoder()
        .encodeToString(
            new JsonObject().put("email", email).encode().getBytes(StandardCharsets.UTF_8));
  }

  public static JsonObject body(String... resources) {
    return new JsonObject().put("resources", new JsonArray(List.of((Object[]) resources)));
  }

  /** A decisions request with valid headers that a test may change before sending. */
  public HttpRequest<Buffer> decisions(String sp, String mvpd, String deviceId) {
    return client
        .post(port, "127.0.0.1", "/api/v2/" + sp + "/decisions/authorize/" + mvpd)
        .putHeader("Authorization", AccessTokens.bearer())
        .putHeader("Content-Type", "application/json")
        .putHeader("Accept", "application/json")
        .putHeader("AP-Device-Identifier", fingerprint(deviceId))
        .putHeader("X-Device-Info", SAMPLE_DEVICE_INFO);
  }

  public Future<JsonObject> authorize(
      String sp, String mvpd, String deviceId, String email, String... resources) {
    HttpRequest<Buffer> req = decisions(sp, mvpd, deviceId);
    if (email != null) req.putHeader("AP-TempPass-Identity", identity(email));
    return req.sendJsonObject(body(resources))
        .map(
            r -> {
              if (r.statusCode() != 200)
                throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.bodyAsString());
              return r.bodyAsJsonObject();
            });
  }

  /** A profiles request with valid headers. */
  public HttpRequest<Buffer> profile(String sp, String mvpd, String deviceId, String email) {
    HttpRequest<Buffer> req =
        client
            .get(port, "127.0.0.1", "/api/v2/" + sp + "/profiles/" + mvpd)
            .putHeader("Authorization", AccessTokens.bearer())
            .putHeader("AP-Device-Identifier", fingerprint(deviceId));
    if (email != null) req.putHeader("AP-TempPass-Identity", identity(email));
    return req;
  }

  /**
   * An admin call, authorised with the admin credential unless {@code authorization} says
   * otherwise.
   */
  public HttpRequest<Buffer> admin(io.vertx.core.http.HttpMethod method, String pathAndQuery) {
    return client
        .request(method, port, "127.0.0.1", pathAndQuery)
        .putHeader("Authorization", AccessTokens.adminBearer());
  }

  public Future<HttpResponse<Buffer>> get(String path) {
    return client.get(port, "127.0.0.1", path).send();
  }

  public WebClient raw() {
    return client;
  }

  public void close() {
    client.close();
  }
}

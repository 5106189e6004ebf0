package io.temppass.gateway.support;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.temppass.gateway.token.SigningKey;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Date;
import java.util.concurrent.TimeUnit;

/** Dynamic Client Registration in tests: the statement key, applications, register and token. */
public final class Dcr {
  public static final SigningKey STATEMENT_KEY = SigningKey.generate("test-statement-1");
  public static final SigningKey OTHER_KEY = SigningKey.generate("test-statement-1");
  public static final String ISSUER = "https://gateway.test";

  private Dcr() {}

  /** {@code config} with {@link #STATEMENT_KEY} as its only statement key. */
  public static JsonObject with(JsonObject config) {
    return config.put(
        "dcr",
        new JsonObject()
            .put("issuer", ISSUER)
            .put(
                "statementKeys",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("kid", STATEMENT_KEY.kid())
                            .put("privateKey", STATEMENT_KEY.privateKeyPem())
                            .put("publicKey", STATEMENT_KEY.publicKeyPem())
                            .put("active", true))));
  }

  /** A browser/app application for {@code serviceProviders} on {@code example.com}. */
  public static JsonObject app(String... serviceProviders) {
    return new JsonObject()
        .put("name", "Test app")
        .put("version", "1.0")
        .put("serviceProviders", new JsonArray(java.util.List.of((Object[]) serviceProviders)))
        .put("platforms", new JsonArray().add("web"))
        .put("domains", new JsonArray().add("example.com"))
        .put("customSchemes", new JsonArray().add("com.example.app"));
  }

  public static HttpResponse<Buffer> create(Api api, JsonObject body) throws Exception {
    return api.admin(HttpMethod.POST, "/admin/v1/applications")
        .sendJsonObject(body)
        .await(10, TimeUnit.SECONDS);
  }

  /** Creates {@code body}'s application; returns the 201 body (record and statement). */
  public static JsonObject created(Api api, JsonObject body) throws Exception {
    HttpResponse<Buffer> r = create(api, body);
    if (r.statusCode() != 201) throw new AssertionError(r.statusCode() + " " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  public static HttpResponse<Buffer> register(Api api, JsonObject body) throws Exception {
    return registering(api, body).await(10, TimeUnit.SECONDS);
  }

  /** {@link #register(Api, JsonObject)} without waiting, for an event-loop caller. */
  public static Future<HttpResponse<Buffer>> registering(Api api, JsonObject body) {
    return api.raw()
        .post("/o/client/register")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(body.toBuffer());
  }

  public static HttpResponse<Buffer> register(Api api, String statement) throws Exception {
    return register(api, new JsonObject().put("software_statement", statement));
  }

  /** The credentials of a new client of the application behind {@code statement}. */
  public static JsonObject client(Api api, String statement) throws Exception {
    HttpResponse<Buffer> r = register(api, statement);
    if (r.statusCode() != 201) throw new AssertionError(r.statusCode() + " " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  public static Future<HttpResponse<Buffer>> token(Api api, String clientId, String secret) {
    return api.raw()
        .post("/o/client/token")
        .sendForm(
            MultiMap.caseInsensitiveMultiMap()
                .add("client_id", clientId)
                .add("client_secret", secret)
                .add("grant_type", "client_credentials"));
  }

  /** An access token for a new client of the application behind {@code statement}. */
  public static String accessToken(Api api, String statement) throws Exception {
    JsonObject client = client(api, statement);
    HttpResponse<Buffer> r =
        token(api, client.getString("client_id"), client.getString("client_secret"))
            .await(10, TimeUnit.SECONDS);
    if (r.statusCode() != 201) throw new AssertionError(r.statusCode() + " " + r.bodyAsString());
    return r.bodyAsJsonObject().getString("access_token");
  }

  /** A statement for {@code applicationId} signed by {@code key} with {@code kid}. */
  public static String statement(String applicationId, SigningKey key, String kid)
      throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(),
            new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(applicationId)
                .issueTime(new Date())
                .notBeforeTime(new Date())
                .build());
    jwt.sign(new ECDSASigner(key.privateKey()));
    return jwt.serialize();
  }
}

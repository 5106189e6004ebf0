package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SPEC 4.3: an unusable TempPass configuration (missing or zero {@code ttl}, missing or
 * non-positive {@code maxResources}) still loads; its items are denied inside an HTTP 200, and
 * Redis is not touched. A negative {@code ttl} is no longer among them: it is refused at start-up
 * like any negative duration ({@code BrokenConfigurationTest}).
 */
@ExtendWith(VertxExtension.class)
class InvalidConfigurationTest {

  @Test
  void unusable_tempPass_settings_deny_invalid_configuration(Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            new JsonObject()
                .put("serviceProvider", "apasstest1")
                .put("mvpd", "noTtl")
                .put("type", "temppass-basic"),
            TestGateway.basic("apasstest1", "zeroTtl", 0),
            new JsonObject()
                .put("serviceProvider", "apasstest1")
                .put("mvpd", "noMax")
                .put("type", "temppass-promotional")
                .put("ttl", "1h"),
            TestGateway.promotional("apasstest1", "zeroMax", "1h", 0));
    RedisProbe redis = new RedisProbe(vertx);
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  List<Future<JsonObject>> all =
                      List.of(
                          api.authorize("apasstest1", "noTtl", Api.SAMPLE_DEVICE, null, "REF30"),
                          api.authorize("apasstest1", "zeroTtl", Api.SAMPLE_DEVICE, null, "REF30"),
                          api.authorize(
                              "apasstest1", "noMax", Api.SAMPLE_DEVICE, "foo@bar.com", "REF30"),
                          api.authorize(
                              "apasstest1", "zeroMax", Api.SAMPLE_DEVICE, "foo@bar.com", "REF30"));
                  Future.all(all)
                      .compose(v -> redis.keys(TestGateway.keyPrefix(config)))
                      .onComplete(
                          ctx.succeeding(
                              keys ->
                                  ctx.verify(
                                      () -> {
                                        for (Future<JsonObject> f : all) {
                                          JsonObject d =
                                              f.result().getJsonArray("decisions").getJsonObject(0);
                                          assertEquals("REF30", d.getString("resource"));
                                          assertEquals(
                                              "apasstest1", d.getString("serviceProvider"));
                                          assertEquals("temppass", d.getString("source"));
                                          assertEquals(false, d.getBoolean("authorized"));
                                          assertNull(d.getValue("token"));
                                          JsonObject e = d.getJsonObject("error");
                                          assertEquals(500, e.getInteger("status"));
                                          assertEquals(
                                              "invalid_configuration_temporary_access",
                                              e.getString("code"));
                                          assertEquals(
                                              "The temporary access configuration is invalid.",
                                              e.getString("message"));
                                          assertEquals("configuration", e.getString("action"));
                                        }
                                        assertEquals(List.of(), keys, "no clock started");
                                        redis.close();
                                        g.stop().onComplete(ctx.succeedingThenComplete());
                                      })));
                }));
  }
}

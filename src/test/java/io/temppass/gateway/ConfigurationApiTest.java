package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * digest §9: the configuration answer carries device, clientType, os, the requestor's domains and
 * each mvpd's logo, and Adobe's trailing-slash spelling works. Adobe's answers show {@code logoUrl}
 * on every mvpd, so one configured without a logo gets an empty {@code logoUrl} rather than none
 * (caught: the field left out when the setting is absent).
 */
@ExtendWith(VertxExtension.class)
class ConfigurationApiTest {

  @Test
  void configuration_has_adobes_documented_fields_with_or_without_a_trailing_slash(
      Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            new JsonObject()
                .put("serviceProvider", "REF30")
                .put("mvpd", "Cablevision")
                .put("displayName", "Optimum")
                .put("logoUrl", "https://logos.example.com/optimum.png"),
            TestGateway.basic("REF30", "TempPass_TEST40", "3m"));
    config.put(
        "serviceProviders",
        new JsonArray()
            .add(
                new JsonObject()
                    .put("id", "REF30")
                    .put("name", "Reference 30")
                    .put(
                        "domains",
                        new JsonArray()
                            .add(new JsonObject().put("name", "adobe.com"))
                            .add(
                                new JsonObject()
                                    .put("name", "example.com")
                                    .put("mvpdInitiated", true)))));
    TestGateway.start(vertx, config)
        .onComplete(
            ctx.succeeding(
                g -> {
                  Api api = new Api(vertx, g.port());
                  api.raw()
                      .get("/api/v2/REF30/configuration/")
                      .putHeader("Authorization", AccessTokens.bearer())
                      .putHeader("X-Device-Info", Api.SAMPLE_DEVICE_INFO)
                      .send()
                      .onComplete(
                          ctx.succeeding(
                              res ->
                                  ctx.verify(
                                      () -> {
                                        assertEquals(200, res.statusCode(), res.bodyAsString());
                                        JsonObject body = res.bodyAsJsonObject();
                                        // Adobe's sample X-Device-Info is malformed JSON: its
                                        // fields are still read.
                                        assertEquals("SetTopBox", body.getString("device"));
                                        assertEquals("tvOS", body.getString("os"));
                                        assertEquals("REST_API_V2", body.getString("clientType"));
                                        JsonObject requestor = body.getJsonObject("requestor");
                                        assertEquals("REF30", requestor.getString("id"));
                                        assertEquals("Reference 30", requestor.getString("name"));
                                        assertEquals(
                                            new JsonArray()
                                                .add(
                                                    new JsonObject()
                                                        .put("name", "adobe.com")
                                                        .put("mvpdInitiated", false))
                                                .add(
                                                    new JsonObject()
                                                        .put("name", "example.com")
                                                        .put("mvpdInitiated", true)),
                                            requestor.getJsonArray("domains"));
                                        assertEquals(
                                            new JsonObject()
                                                .put("id", "Cablevision")
                                                .put("displayName", "Optimum")
                                                .put(
                                                    "logoUrl",
                                                    "https://logos.example.com/optimum.png")
                                                .put("isTempPass", false),
                                            requestor.getJsonArray("mvpds").getJsonObject(0));
                                        assertEquals(
                                            new JsonObject()
                                                .put("id", "TempPass_TEST40")
                                                .put("displayName", "TempPass_TEST40")
                                                .put("logoUrl", "")
                                                .put("isTempPass", true),
                                            requestor.getJsonArray("mvpds").getJsonObject(1));
                                        ctx.completeNow();
                                      })));
                }));
  }
}

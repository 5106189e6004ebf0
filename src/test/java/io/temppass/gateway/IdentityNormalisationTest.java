package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spellings of one identity that used to open fresh promotional trials now continue the same one.
 * The trial allows one resource; after the canonical spelling used it, each variant asking for a
 * second resource is denied with {@code temporary_access_resources_limit_exceeded}, which only the
 * same trial can answer. Breakage caught: with {@code IdentityHasher.normaliseIdentity} reduced to
 * the former strip-and-lower-case-e-mails, the NBSP, zero-width, full-width and upper-case hex
 * variants each get a fresh trial (permitted).
 */
class IdentityNormalisationTest {
  Vertx vertx;
  Api api;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.promotional("apasstest1", "flexibleTempPass", "1h", 1));
    api = new Api(vertx, TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS).port());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private JsonObject decision(String device, String identity, String resource) throws Exception {
    return api.authorize("apasstest1", "flexibleTempPass", device, identity, resource)
        .await(10, TimeUnit.SECONDS)
        .getJsonArray("decisions")
        .getJsonObject(0);
  }

  private void assertSameTrial(String canonical, List<String> variants) throws Exception {
    assertEquals(true, decision("device-0", canonical, "first").getBoolean("authorized"));
    for (int i = 0; i < variants.size(); i++) {
      JsonObject d = decision("device-" + (i + 1), variants.get(i), "second");
      assertEquals(
          false, d.getBoolean("authorized"), "variant " + i + " opened a fresh trial: " + d);
      assertEquals(
          "temporary_access_resources_limit_exceeded", d.getJsonObject("error").getString("code"));
      assertEquals(
          true,
          decision("device-" + (i + 1), variants.get(i), "first").getBoolean("authorized"),
          "variant " + i);
    }
  }

  @Test
  void email_variants_continue_the_same_trial() throws Exception {
    assertSameTrial(
        "viewer@example.com",
        List.of(
            "\u00A0viewer@example.com", // no-break space
            "viewer@example.com\u200B", // zero-width space
            "\u3000viewer@example.com\u2003", // ideographic and em spaces
            "\uFF56\uFF49\uFF45\uFF57\uFF45\uFF52\uFF20\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45.com", // full-width letters and @
            "Viewer@Example.COM"));
  }

  @Test
  void hex_sha256_identities_are_case_insensitive() throws Exception {
    String hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    assertSameTrial(
        hex,
        List.of(
            hex.toUpperCase(),
            " " + hex.substring(0, 10).toUpperCase() + hex.substring(10) + "\uFEFF"));
  }
}

package io.temppass.gateway;

import static io.temppass.gateway.BasicTempPassTest.assertDurationExceeded;
import static io.temppass.gateway.PromotionalTempPassTest.assertResourcesExceeded;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A lock-out holds across devices and identities (README, TempPass rules). Adobe: a viewer over the
 * configured TTL or number of resources "will no longer be able to view content on the same device
 * or with the same user-provided identifier unless their TempPass is reset".
 */
@ExtendWith(VertxExtension.class)
class PromotionalLockoutTest {
  static final String SP = "apasstest1";
  static final String MVPD = "flexibleTempPass";
  static final String SHORT = "flexibleShort";
  static final int MAX = 5;
  static final long SHORT_TTL = 1_500;

  Gateway gateway;
  Api api;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    JsonObject config =
        TestGateway.with(
            TestGateway.config(),
            TestGateway.promotional(SP, MVPD, "4h", MAX),
            TestGateway.promotional(SP, SHORT, SHORT_TTL, MAX));
    gateway = TestGateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    api = new Api(vertx, gateway.port());
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
    gateway.stop().await(30, TimeUnit.SECONDS);
  }

  private JsonArray authorize(String mvpd, String device, String email, String... resources)
      throws Exception {
    return api.authorize(SP, mvpd, device, email, resources)
        .await(10, TimeUnit.SECONDS)
        .getJsonArray("decisions");
  }

  /**
   * Identity A uses its 5 titles on d1; identity C starts a trial on d2; A then asks for 4 new
   * titles on d2. Before the fix all 4 were permitted with media tokens: the decision read only the
   * trial d2 is bound to (C's) and never A's own. Catches: the lock-out check of the presenting
   * identity's own trial removed (TempPassService.ownLockout always answering "not locked out").
   */
  @Test
  void an_identity_that_used_its_titles_gets_none_on_a_device_bound_to_another_identity()
      throws Exception {
    assertTrue(
        authorize(MVPD, "lock-d1", "a@example.com", "t1", "t2", "t3", "t4", "t5").stream()
            .allMatch(d -> ((JsonObject) d).getBoolean("authorized")));
    assertResourcesExceeded(authorize(MVPD, "lock-d1", "a@example.com", "t6").getJsonObject(0));
    assertTrue(
        authorize(MVPD, "lock-d2", "c@example.com", "c1")
            .getJsonObject(0)
            .getBoolean("authorized"));

    JsonArray onD2 = authorize(MVPD, "lock-d2", "a@example.com", "n1", "n2", "n3", "n4");
    for (int i = 0; i < onD2.size(); i++) assertResourcesExceeded(onD2.getJsonObject(i));
    // C's trial paid nothing for A's attempt.
    JsonObject c = profile(MVPD, "lock-d2", "c@example.com");
    assertEquals(MAX - 1, c.getJsonObject("remaining_resources").getInteger("value"));
  }

  /**
   * The same with A's pass expired instead of used up: A is denied on d1, and must be denied on a
   * device bound to a fresh identity too (before the fix it was permitted there). Catches the same
   * breakage as above, for the expired case.
   */
  @Test
  void an_identity_whose_pass_expired_gets_none_on_a_device_bound_to_a_fresh_identity(Vertx vertx)
      throws Exception {
    assertTrue(
        authorize(SHORT, "exp-d1", "a@example.com", "t1")
            .getJsonObject(0)
            .getBoolean("authorized"));
    long deadline = System.currentTimeMillis() + SHORT_TTL + 10_000;
    JsonObject onD1;
    do {
      vertx.timer(100).await(5, TimeUnit.SECONDS);
      onD1 = authorize(SHORT, "exp-d1", "a@example.com", "t1").getJsonObject(0);
    } while (onD1.getBoolean("authorized") && System.currentTimeMillis() < deadline);
    assertDurationExceeded(onD1);

    // C's pass is fresh (1.5 s) and stays valid for the next two requests.
    assertTrue(
        authorize(SHORT, "exp-d2", "c@example.com", "c1")
            .getJsonObject(0)
            .getBoolean("authorized"));
    JsonArray onD2 = authorize(SHORT, "exp-d2", "a@example.com", "n1", "n2");
    assertDurationExceeded(onD2.getJsonObject(0));
    assertDurationExceeded(onD2.getJsonObject(1));
    assertTrue(
        authorize(SHORT, "exp-d2", "c@example.com", "c1").getJsonObject(0).getBoolean("authorized"),
        "C's pass still valid: the denial was A's");
  }

  /**
   * The README's rule: identity B presented on A's exhausted device d1 is denied (it continues d1's
   * trial) but does not become known through that; B on a new device d2 starts a trial of its own.
   * Every trial needs a device no identity has used, so a viewer cycling any number of identities
   * over two devices gets at most 2 × maxResources titles. Catches: a binding step that lets the
   * presenting identity take over a device another identity's trial owns (promo_bind.lua ignoring
   * the existing binding: B is granted on d1 and more than 2 × 5 titles go out).
   */
  @Test
  void identities_cycled_over_two_devices_get_at_most_two_trials() throws Exception {
    Set<String> granted = new HashSet<>();
    granted.addAll(
        permitted(authorize(MVPD, "cyc-d1", "a@example.com", "a1", "a2", "a3", "a4", "a5")));
    assertResourcesExceeded(authorize(MVPD, "cyc-d1", "b@example.com", "b1").getJsonObject(0));

    JsonObject fresh = profile(MVPD, "cyc-unused", "b@example.com");
    assertEquals(
        MAX,
        fresh.getJsonObject("remaining_resources").getInteger("value"),
        "B is not known through d1");

    granted.addAll(
        permitted(authorize(MVPD, "cyc-d2", "b@example.com", "b1", "b2", "b3", "b4", "b5")));
    assertEquals(2 * MAX, granted.size());

    for (String identity :
        List.of("a@example.com", "b@example.com", "c@example.com", "d@example.com")) {
      for (String device : List.of("cyc-d1", "cyc-d2")) {
        JsonArray decisions = authorize(MVPD, device, identity, "x-" + identity, "y-" + identity);
        granted.addAll(permitted(decisions));
        for (int i = 0; i < decisions.size(); i++)
          assertResourcesExceeded(decisions.getJsonObject(i));
      }
    }
    assertEquals(2 * MAX, granted.size(), "titles granted over two devices: " + granted);
  }

  private static List<String> permitted(JsonArray decisions) {
    return decisions.stream()
        .map(o -> (JsonObject) o)
        .filter(d -> d.getBoolean("authorized"))
        .map(d -> d.getString("resource"))
        .toList();
  }

  private JsonObject profile(String mvpd, String device, String email) throws Exception {
    HttpResponse<Buffer> res =
        api.profile(SP, mvpd, device, email).send().await(10, TimeUnit.SECONDS);
    assertEquals(200, res.statusCode(), res.bodyAsString());
    return res.bodyAsJsonObject()
        .getJsonObject("profiles")
        .getJsonObject(mvpd)
        .getJsonObject("attributes");
  }
}

package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.RedisProbe;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.temppass.gateway.support.TestXacmlPdp;
import io.temppass.gateway.support.TestXacmlPdp.Answer;
import io.temppass.gateway.xml.SigningCredential;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * XACML authorization ({@code authorization.type: xacml}) against an independent policy decision
 * point over real HTTP ({@link TestXacmlPdp}: its own parser and Santuario signatures): the signed
 * query and what it carries, Permit/Deny/parental controls, {@code re-authz} capping the shared
 * decision cache, every answer that must never be a permit (malformed, DOCTYPE, unsigned, another
 * key, wrapped, too large, Indeterminate), a slow and a failing PDP through the breaker, MRSS
 * resources mapped to their attributes, and multi-resource preauthorization.
 */
class XacmlAuthorizationTest {
  static final String SP = "REF30";
  static final String MVPD = "XacmlMvpd";
  static final SigningCredential GATEWAY_KEY = SigningCredential.generate("gateway-test-xacml");

  Vertx vertx;
  TestMvpd login;
  TestXacmlPdp pdp;
  Pods pods;
  String keyPrefix;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    login = TestMvpd.start(vertx);
    pdp = TestXacmlPdp.start(vertx);
    pdp.trustGateway(GATEWAY_KEY.certificate().getPublicKey());
  }

  @AfterEach
  void stop() throws Exception {
    if (pods != null) pods.close();
    pdp.close();
    login.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A gateway whose integration asks the PDP (signed both ways), with a signed-in device. */
  Api signedIn(String device, JsonObject authorization, JsonObject integrationExtras)
      throws Exception {
    JsonObject integration = login.integration(SP, MVPD).mergeIn(integrationExtras);
    integration.put(
        "authorization",
        pdp.authorization(true)
            .put("signingKey", GATEWAY_KEY.privateKeyPem())
            .put("signingCertificate", GATEWAY_KEY.certificatePem())
            .mergeIn(authorization));
    JsonObject config =
        TestGateway.withMvpdSessions(TestGateway.with(TestGateway.config(), integration), SP);
    login.nextLogin("subscriber-" + device, Map.of());
    keyPrefix = TestGateway.keyPrefix(config);
    pods = Pods.startEach(config);
    new MvpdSignIn(vertx, pods.port(0)).signIn(SP, MVPD, device).await(30, TimeUnit.SECONDS);
    return new Api(vertx, pods.port(0));
  }

  Api signedIn(String device) throws Exception {
    return signedIn(device, new JsonObject(), new JsonObject());
  }

  static JsonObject decide(Api api, String device, String resource) throws Exception {
    return api.authorize(SP, MVPD, device, null, resource)
        .await(15, TimeUnit.SECONDS)
        .getJsonArray("decisions")
        .getJsonObject(0);
  }

  static void assertReceivedError(JsonObject d, String what) {
    assertFalse(d.getBoolean("authorized"), what + ": " + d.encode());
    assertFalse(d.containsKey("token"), what);
    JsonObject e = d.getJsonObject("error");
    assertEquals("network_received_error", e.getString("code"), what + ": " + d.encode());
    assertEquals("retry", e.getString("action"), what);
  }

  @Test
  void a_permit_carries_a_media_token_and_the_query_is_signed_and_complete() throws Exception {
    Api api = signedIn("permit");
    JsonObject d = decide(api, "permit", "REF30-news");
    assertTrue(d.getBoolean("authorized"), d.encode());
    assertEquals("mvpd", d.getString("source"));
    assertNotNull(d.getJsonObject("token"), d.encode());
    TestXacmlPdp.Query q = pdp.lastQuery();
    assertEquals("subscriber-permit", q.subjectId());
    assertEquals(List.of(Map.of(TestXacmlPdp.RESOURCE_ID, "REF30-news")), q.resources());
    assertEquals("VIEW", q.action());
    assertEquals("127.0.0.1", q.ipAddress());
    assertTrue(q.signatureValid(), "the query is signed with the gateway's configured key");
    assertTrue(q.raw().contains("<soap11:Envelope"), q.raw());
  }

  @Test
  void a_deny_is_denied_by_the_mvpd_with_its_message() throws Exception {
    pdp.deny("REF30-premium", "Your package does not include REF30-premium.");
    Api api = signedIn("deny");
    JsonObject d = decide(api, "deny", "REF30-premium");
    assertFalse(d.getBoolean("authorized"));
    JsonObject e = d.getJsonObject("error");
    assertEquals("authorization_denied_by_mvpd", e.getString("code"), d.encode());
    assertEquals("Your package does not include REF30-premium.", e.getString("details"));
  }

  @Test
  void restrict_pc_is_a_parental_controls_deny() throws Exception {
    pdp.parentalControls("REF30-mature");
    Api api = signedIn("pc");
    JsonObject d = decide(api, "pc", "REF30-mature");
    assertFalse(d.getBoolean("authorized"));
    assertEquals(
        "authorization_denied_by_parental_controls",
        d.getJsonObject("error").getString("code"),
        d.encode());
  }

  /**
   * {@code re-authz} of 1 s caps a 1 h authorizationTtl: the decision and its token end 1 s after
   * it was taken, the cache answers meanwhile, then the PDP is asked again.
   */
  @Test
  void re_authz_caps_the_decision_and_its_cache() throws Exception {
    pdp.reAuthzSeconds(1);
    Api api = signedIn("reauthz", new JsonObject(), new JsonObject().put("authorizationTtl", "1h"));
    JsonObject first = decide(api, "reauthz", "short");
    assertTrue(first.getBoolean("authorized"), first.encode());
    assertEquals(first.getLong("notBefore") + 1_000, first.getLong("notAfter"));
    assertEquals(first.getLong("notAfter"), first.getJsonObject("token").getLong("notAfter"));
    RedisProbe redis = new RedisProbe(vertx);
    try {
      List<String> cached =
          redis.keys(keyPrefix + ":z:").await(10, TimeUnit.SECONDS).stream()
              .filter(k -> !k.endsWith(":l"))
              .toList();
      assertEquals(1, cached.size(), cached.toString());
      long pttl = redis.send(Command.PTTL, cached.get(0)).await(10, TimeUnit.SECONDS).toLong();
      assertTrue(pttl > 0 && pttl <= 1_000, "the cached decision expires with re-authz: " + pttl);
    } finally {
      redis.close();
    }
    decide(api, "reauthz", "short");
    assertEquals(1, pdp.calls("short"), "cached within re-authz");
    long deadline = System.currentTimeMillis() + 10_000;
    while (pdp.calls("short") < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      decide(api, "reauthz", "short");
    }
    assertEquals(2, pdp.calls("short"), "asked again once re-authz passed");
  }

  /**
   * Every answer that is not a clear, verified decision is a received error, never a permit. The
   * wrapped answers (XSW) carry a validly signed Deny and an unsigned Permit: reading the wrong
   * element would permit. The DOCTYPE answer would read a local file into the decision.
   */
  @Test
  void every_answer_that_is_not_a_verified_decision_is_a_received_error() throws Exception {
    Api api =
        signedIn(
            "refused",
            new JsonObject().put("breakerFailures", 1000).put("readTimeout", "2s"),
            new JsonObject());
    for (Answer bad :
        List.of(
            Answer.MALFORMED,
            Answer.DOCTYPE,
            Answer.UNSIGNED,
            Answer.PLAIN_XACML,
            Answer.OTHER_KEY,
            Answer.WRAPPED_BESIDE,
            Answer.WRAPPED_INSIDE,
            Answer.WRAPPED_RESPONSE,
            Answer.HUGE,
            Answer.INDETERMINATE,
            Answer.ERROR_500)) {
      pdp.answer(bad);
      String resource = "refused-" + bad.name();
      assertReceivedError(decide(api, "refused", resource), bad.name());
      assertEquals(1, pdp.calls(resource), bad + " reached the PDP");
    }
    pdp.answer(Answer.SIGNED_ASSERTION);
    assertTrue(decide(api, "refused", "after").getBoolean("authorized"));
  }

  /** Both SAML forms (signature on the Response, a typed saml:Statement) are read. */
  @Test
  void the_signed_saml_forms_are_accepted() throws Exception {
    Api api = signedIn("forms");
    for (Answer good : List.of(Answer.SIGNED_RESPONSE, Answer.SIGNED_TYPED_STATEMENT)) {
      pdp.answer(good);
      JsonObject d = decide(api, "forms", "form-" + good.name());
      assertTrue(d.getBoolean("authorized"), good + ": " + d.encode());
    }
  }

  /** Without {@code signed}, the plain XACML Response of Adobe's simple form is read. */
  @Test
  void an_unsigned_integration_reads_a_plain_xacml_response() throws Exception {
    pdp.answer(Answer.PLAIN_XACML);
    pdp.deny("plain-denied", "Not in your package.");
    Api api =
        signedIn(
            "plain",
            new JsonObject().put("signed", false).putNull("certificates"),
            new JsonObject());
    assertTrue(decide(api, "plain", "plain-permitted").getBoolean("authorized"));
    JsonObject d = decide(api, "plain", "plain-denied");
    assertEquals("authorization_denied_by_mvpd", d.getJsonObject("error").getString("code"));
  }

  @Test
  void a_slow_pdp_is_a_connection_timeout_within_the_read_timeout() throws Exception {
    Api api =
        signedIn(
            "slow",
            new JsonObject().put("readTimeout", "300ms").put("deadline", "1s"),
            new JsonObject());
    pdp.slow(5_000);
    long start = System.nanoTime();
    JsonObject d = decide(api, "slow", "slow-title");
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals("network_connection_timeout", d.getJsonObject("error").getString("code"));
    assertTrue(tookMillis >= 250 && tookMillis < 3_000, "answered after " + tookMillis + " ms");
  }

  /**
   * Three failing answers in a row open the breaker: the fourth decision is answered at once
   * without reaching the PDP; after the reset timeout a trial call succeeds.
   */
  @Test
  void a_failing_pdp_opens_the_breaker_then_it_recovers() throws Exception {
    Api api =
        signedIn(
            "breaker",
            new JsonObject()
                .put("readTimeout", "300ms")
                .put("deadline", "1s")
                .put("breakerFailures", 3)
                .put("breakerResetTimeout", "1s"),
            new JsonObject());
    pdp.answer(Answer.ERROR_500);
    for (int i = 0; i < 3; i++) assertReceivedError(decide(api, "breaker", "t"), "call " + i);
    assertEquals(3, pdp.calls("t"));
    JsonObject open = decide(api, "breaker", "t");
    assertEquals("maximum_execution_time_exceeded", open.getJsonObject("error").getString("code"));
    assertEquals(3, pdp.calls("t"), "an open breaker does not call the PDP");
    pdp.answer(Answer.SIGNED_ASSERTION);
    long deadline = System.currentTimeMillis() + 10_000;
    JsonObject d = open;
    while (!d.getBoolean("authorized") && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
      d = decide(api, "breaker", "t");
    }
    assertTrue(d.getBoolean("authorized"), d.encode());
  }

  /**
   * An MRSS resource is sent as the digest's attributes (GUID as resource-id, channel title as
   * tv-network and id:namespace, item title, V-chip rating); a plain string stays one attribute;
   * MRSS that does not parse (here with a DOCTYPE) is denied without asking the PDP.
   */
  @Test
  void an_mrss_resource_is_sent_as_its_content_attributes() throws Exception {
    Api api = signedIn("mrss");
    String mrss =
        "<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel>"
            + "<title>REF30</title><item><title>The Big Game</title>"
            + "<guid>REF30_GUID_12345</guid>"
            + "<media:rating scheme=\"urn:v-chip\">tv-14</media:rating></item></channel></rss>";
    assertTrue(decide(api, "mrss", mrss).getBoolean("authorized"));
    Map<String, String> sent = pdp.lastQuery().resources().get(0);
    assertEquals(
        Map.of(
            "urn:oasis:names:tc:xacml:1.0:resource:resource-id", "REF30_GUID_12345",
            "urn:cablelabs:ocla:1.0:attribute:content:tv-network", "REF30",
            "urn:cablelabs:ocla:1.0:attribute:content:id:namespace", "REF30",
            "urn:cablelabs:ocla:1.0:attribute:content:title", "The Big Game",
            "urn:cablelabs:ocla:1.0:attribute:content:rating:vchip", "tv-14"),
        sent);
    String channelOnly = "<rss version=\"2.0\"><channel><title>REF30</title></channel></rss>";
    assertTrue(decide(api, "mrss", channelOnly).getBoolean("authorized"));
    assertEquals(
        Map.of(
            "urn:oasis:names:tc:xacml:1.0:resource:resource-id", "REF30",
            "urn:cablelabs:ocla:1.0:attribute:content:tv-network", "REF30",
            "urn:cablelabs:ocla:1.0:attribute:content:id:namespace", "REF30"),
        pdp.lastQuery().resources().get(0));
    int before = pdp.totalCalls();
    JsonObject hostile =
        decide(
            api,
            "mrss",
            "<!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>"
                + "<rss><channel><title>&x;</title></channel></rss>");
    assertFalse(hostile.getBoolean("authorized"));
    assertEquals("authorization_denied_by_mvpd", hostile.getJsonObject("error").getString("code"));
    assertTrue(
        hostile
            .getJsonObject("error")
            .getString("details")
            .startsWith("The resource is not valid MRSS"),
        hostile.encode());
    assertEquals(before, pdp.totalCalls(), "not sent to the PDP");
  }

  JsonArray preauthorize(String device, String... resources) throws Exception {
    return new Api(vertx, pods.port(0))
        .raw()
        .post(pods.port(0), "127.0.0.1", "/api/v2/" + SP + "/decisions/preauthorize/" + MVPD)
        .putHeader("Authorization", AccessTokens.bearer())
        .putHeader("Content-Type", "application/json")
        .putHeader("AP-Device-Identifier", Api.fingerprint(device))
        .sendJsonObject(Api.body(resources))
        .await(15, TimeUnit.SECONDS)
        .bodyAsJsonObject()
        .getJsonArray("decisions");
  }

  /**
   * With {@code multipleResources}, a preauthorization of three resources is one query with three
   * Resources, each answer mapped back by ResourceId; a resource already cached is not asked again.
   * The Resources come in the order the cache answered (on a Redis cluster, not the request's), so
   * they are compared as a set.
   */
  @Test
  void a_multi_resource_mvpd_gets_one_query_for_a_preauthorization() throws Exception {
    pdp.deny("pre-b", "Not in your package.");
    signedIn("multi", new JsonObject().put("multipleResources", true), new JsonObject());
    JsonArray decisions = preauthorize("multi", "pre-a", "pre-b", "pre-c");
    assertEquals(1, pdp.totalCalls(), "one query for three resources");
    assertEquals(3, pdp.lastQuery().resources().size());
    assertTrue(decisions.getJsonObject(0).getBoolean("authorized"), decisions.encode());
    assertFalse(decisions.getJsonObject(1).getBoolean("authorized"));
    assertEquals(
        "preauthorization_denied_by_mvpd",
        decisions.getJsonObject(1).getJsonObject("error").getString("code"));
    assertTrue(decisions.getJsonObject(2).getBoolean("authorized"));
    assertNull(decisions.getJsonObject(0).getJsonObject("token"));
    preauthorize("multi", "pre-a", "pre-d", "pre-e");
    assertEquals(2, pdp.totalCalls());
    assertEquals(
        java.util.Set.of("pre-d", "pre-e"),
        pdp.lastQuery().resources().stream()
            .map(r -> r.get(TestXacmlPdp.RESOURCE_ID))
            .collect(java.util.stream.Collectors.toSet()),
        "the cached pre-a is not asked again");
  }

  /** Without it, one query per resource, as before. */
  @Test
  void a_single_resource_mvpd_gets_one_query_per_resource() throws Exception {
    signedIn("single");
    JsonArray decisions = preauthorize("single", "one", "two", "three");
    assertEquals(3, pdp.totalCalls());
    for (int i = 0; i < 3; i++) assertTrue(decisions.getJsonObject(i).getBoolean("authorized"));
  }
}

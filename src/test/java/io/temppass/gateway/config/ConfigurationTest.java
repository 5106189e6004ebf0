package io.temppass.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configuration: one typed object, environment overrides, and start-up failures that name the
 * setting.
 */
class ConfigurationTest {

  private static ConfigException invalid(JsonObject tree) {
    return assertThrows(ConfigException.class, () -> TestGateway.parse(tree));
  }

  @Test
  void environment_variables_override_nested_settings_and_list_items() {
    JsonObject tree = TestGateway.with(TestGateway.config(), TestGateway.basic("sp", "m", "1h"));
    ConfigLoader.applyEnvironment(
        tree,
        Map.of(
            "TEMPPASS_REDIS__POOL_SIZE", "64",
            "TEMPPASS_SERVER__MAX_RESOURCES_PER_REQUEST", "5",
            "TEMPPASS_INTEGRATIONS__0__TTL", "10m",
            "TEMPPASS_INTEGRATIONS__0__ACTIVE", "false",
            "TEMPPASS_ACCESS_TOKENS__ALGORITHMS", "[\"RS256\",\"ES256\"]",
            "UNRELATED", "x"));
    GatewayConfig config = TestGateway.parse(tree);
    assertEquals(64, config.redis().poolSize());
    assertEquals(5, config.server().maxResourcesPerRequest());
    assertEquals(Duration.ofMinutes(10), config.integrations().get(0).ttl());
    assertEquals(false, config.integrations().get(0).active());
    assertEquals(List.of("RS256", "ES256"), config.accessTokens().algorithms());
  }

  /** Breakage caught: binding a list from one string without splitting it ("must be a list"). */
  @Test
  void a_list_override_may_be_comma_separated() {
    JsonObject tree = TestGateway.config();
    ConfigLoader.applyEnvironment(
        tree, Map.of("TEMPPASS_THROTTLE__TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32"));
    assertEquals(
        List.of("10.0.0.0/8", "2001:db8::/32"),
        TestGateway.parse(tree).throttle().trustedProxies());
  }

  @Test
  void an_unknown_setting_fails_start_up_with_its_name() {
    JsonObject tree = TestGateway.config();
    tree.getJsonObject("redis").put("poolSzie", 3);
    assertEquals(
        "redis.poolSzie: unknown setting; did you mean poolSize?", invalid(tree).getMessage());
  }

  @Test
  void a_misspelt_environment_override_fails_start_up_with_its_name() {
    JsonObject tree = TestGateway.config();
    ConfigLoader.applyEnvironment(tree, Map.of("TEMPPASS_REDIS__POOLSIZE_X", "3"));
    assertTrue(invalid(tree).getMessage().startsWith("redis.poolsizeX: unknown setting"));
  }

  @Test
  void a_malformed_value_names_the_setting() {
    JsonObject tree = TestGateway.config();
    tree.getJsonObject("redis").put("poolSize", "many");
    assertTrue(invalid(tree).getMessage().startsWith("redis.poolSize: must be an integer"));
    JsonObject t2 = TestGateway.with(TestGateway.config(), TestGateway.basic("sp", "m", "soon"));
    assertTrue(invalid(t2).getMessage().startsWith("integrations[0].ttl: must be a duration"));
  }

  @Test
  void production_refuses_embedded_redis_and_generated_keys() {
    JsonObject tree = TestGateway.config();
    tree.getJsonObject("redis").put("embedded", true);
    assertTrue(invalid(tree).getMessage().startsWith("redis.embedded:"));
    JsonObject t2 = TestGateway.config();
    t2.getJsonObject("mediaTokens").put("generateDevelopmentKey", true);
    assertTrue(invalid(t2).getMessage().startsWith("mediaTokens.generateDevelopmentKey:"));
  }

  @Test
  void production_requires_access_token_keys_and_a_hash_secret() {
    JsonObject tree = TestGateway.config();
    tree.getJsonObject("accessTokens").put("publicKeys", new JsonArray());
    assertTrue(invalid(tree).getMessage().startsWith("accessTokens.publicKeys:"));
    JsonObject t2 = TestGateway.config();
    t2.getJsonObject("identity").put("hashSecret", "short");
    assertTrue(invalid(t2).getMessage().startsWith("identity.hashSecret:"));
  }

  @Test
  void only_signature_algorithms_from_the_allow_list_are_accepted() {
    JsonObject tree = TestGateway.config();
    tree.getJsonObject("accessTokens").put("algorithms", new JsonArray().add("none"));
    assertTrue(invalid(tree).getMessage().startsWith("accessTokens.algorithms: 'none'"));
    JsonObject t2 = TestGateway.config();
    t2.getJsonObject("accessTokens").put("algorithms", new JsonArray().add("HS256"));
    assertTrue(invalid(t2).getMessage().startsWith("accessTokens.algorithms: 'HS256'"));
  }

  @Test
  void a_tempPass_integration_with_unusable_rules_still_loads() {
    GatewayConfig config =
        TestGateway.parse(
            TestGateway.with(
                TestGateway.config(),
                new JsonObject()
                    .put("serviceProvider", "sp")
                    .put("mvpd", "m")
                    .put("type", "temppass-promotional")
                    .put("ttl", "1h")));
    IntegrationConfig i = config.integration("sp", "m");
    assertNull(i.maxResources());
    assertEquals(false, i.tempPassUsable());
  }

  @Test
  void the_shipped_production_file_is_valid_once_its_secrets_are_provided(@TempDir Path dir)
      throws Exception {
    Path accessKey = Files.writeString(dir.resolve("access.pem"), AccessTokens.publicKeyPem());
    GatewayConfig config = shippedFile(dir, "[\"file:" + accessKey + "\"]");
    assertEquals(GatewayConfig.Mode.PRODUCTION, config.mode());
    assertEquals(TestGateway.HASH_SECRET, config.hashSecret());
    assertEquals(3, config.integrations().size());
    assertEquals(Duration.ofMinutes(3), config.integration("apasstest1", "TempPass_TEST40").ttl());
    assertEquals(5, config.integration("apasstest1", "flexibleTempPass").maxResources());
    assertEquals(
        "client-secret", config.integration("REF30", "Cablevision").login().clientSecret());
    assertEquals(32, config.sessions().encryptionKey().length);
  }

  /**
   * README, "Environment variables": a list of strings may be given as comma-separated items, and
   * each item may still be {@code file:/path}. Caught breakage: splitting the string without
   * passing each item through the {@code file:} reader (then "must be a PEM public key").
   */
  @Test
  void comma_separated_items_each_read_their_file(@TempDir Path dir) throws Exception {
    Path first = Files.writeString(dir.resolve("a.pem"), AccessTokens.publicKeyPem());
    Path second = Files.writeString(dir.resolve("b.pem"), AccessTokens.otherPublicKeyPem());
    GatewayConfig config = shippedFile(dir, "file:" + first + ", file:" + second);
    assertEquals(
        List.of(AccessTokens.publicKeyPem(), AccessTokens.otherPublicKeyPem()),
        config.accessTokens().publicKeys());
  }

  /**
   * conf/gateway.yaml with its secrets as the Kubernetes manifests give them ({@code file:} paths
   * in {@code TEMPPASS_*} variables), written into {@code dir}, and {@code publicKeys} as given.
   */
  private static GatewayConfig shippedFile(Path dir, String publicKeys) throws Exception {
    Path mediaPriv =
        Files.writeString(dir.resolve("media.key"), TestGateway.MEDIA_KEY.privateKeyPem());
    Path mediaPub =
        Files.writeString(dir.resolve("media.pub"), TestGateway.MEDIA_KEY.publicKeyPem());
    Path secret = Files.writeString(dir.resolve("secret"), TestGateway.HASH_SECRET + "\n");
    Path profileKey = Files.writeString(dir.resolve("profile-key"), TestGateway.PROFILE_KEY + "\n");
    Path mvpdSecret = Files.writeString(dir.resolve("mvpd-secret"), "client-secret\n");
    return ConfigLoader.load(
        List.of(Path.of("conf/gateway.yaml")),
        Map.of(
            "TEMPPASS_ACCESS_TOKENS__PUBLIC_KEYS", publicKeys,
            "TEMPPASS_MEDIA_TOKENS__KEYS__0__PRIVATE_KEY", "file:" + mediaPriv,
            "TEMPPASS_MEDIA_TOKENS__KEYS__0__PUBLIC_KEY", "file:" + mediaPub,
            "TEMPPASS_IDENTITY__HASH_SECRET", "file:" + secret,
            "TEMPPASS_SESSIONS__ENCRYPTION_KEY", "file:" + profileKey,
            "TEMPPASS_INTEGRATIONS__2__LOGIN__CLIENT_SECRET", "file:" + mvpdSecret));
  }

  @Test
  void a_missing_secret_file_names_the_setting() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.load(List.of(Path.of("conf/gateway.yaml")), Map.of()));
    assertTrue(
        e.getMessage().startsWith("accessTokens.publicKeys[0]: cannot read"), e.getMessage());
  }
}

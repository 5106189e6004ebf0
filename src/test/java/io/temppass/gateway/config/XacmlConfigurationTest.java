package io.temppass.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.xml.SigningCredential;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code authorization.type: xacml}: the default stays JSON, and every incomplete or unreadable
 * XACML setting fails start-up naming the setting.
 */
class XacmlConfigurationTest {
  static final SigningCredential KEY = SigningCredential.generate("config-test");

  static JsonObject tree(JsonObject authorization) throws Exception {
    JsonObject integration =
        new JsonObject()
            .put("serviceProvider", "REF30")
            .put("mvpd", "Xacml")
            .put("type", "regular")
            .put(
                "login",
                new JsonObject()
                    .put("issuer", "https://login.example.com")
                    .put("clientId", "c")
                    .put("clientSecret", "s"))
            .put(
                "authorization",
                new JsonObject()
                    .put("url", "https://pdp.example.com/xacml")
                    .mergeIn(authorization));
    return TestGateway.withMvpdSessions(
        TestGateway.with(TestGateway.config(), integration), "REF30");
  }

  static String problem(JsonObject authorization) throws Exception {
    return assertThrows(ConfigException.class, () -> TestGateway.parse(tree(authorization)))
        .getMessage();
  }

  @Test
  void the_default_is_the_json_contract() throws Exception {
    GatewayConfig config = TestGateway.parse(tree(new JsonObject()));
    assertFalse(config.integration("REF30", "Xacml").authorization().xacml());
  }

  @Test
  void a_signed_xacml_integration_loads_from_files(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("key.pem"), KEY.privateKeyPem());
    Files.writeString(dir.resolve("cert.pem"), KEY.certificatePem());
    Files.writeString(dir.resolve("mvpd.pem"), KEY.certificatePem());
    GatewayConfig config =
        TestGateway.parse(
            tree(
                new JsonObject()
                    .put("type", "xacml")
                    .put("signingKey", "file:" + dir.resolve("key.pem"))
                    .put("signingCertificate", "file:" + dir.resolve("cert.pem"))
                    .put("signed", true)
                    .put("certificates", new JsonArray().add("file:" + dir.resolve("mvpd.pem")))));
    MvpdSettings.Authorization a = config.integration("REF30", "Xacml").authorization();
    assertTrue(a.xacml());
    assertEquals(KEY.certificate(), a.signer().certificate());
    assertEquals(1, a.answerPolicy().certificates().size());
    assertTrue(
        config.warnings().stream().noneMatch(w -> w.contains("authorization.signed")),
        config.warnings().toString());
  }

  @Test
  void incomplete_or_unreadable_settings_name_the_setting() throws Exception {
    assertTrue(
        problem(new JsonObject().put("type", "soap"))
            .startsWith("integrations[0].authorization.type:"));
    assertTrue(
        problem(new JsonObject().put("type", "xacml").put("signed", true))
            .startsWith("integrations[0].authorization.certificates: is required when signed"));
    assertTrue(
        problem(
                new JsonObject()
                    .put("type", "xacml")
                    .put("signed", true)
                    .put("certificates", new JsonArray().add("not a certificate")))
            .startsWith("integrations[0].authorization.certificates[0]: must be an X.509"));
    assertTrue(
        problem(new JsonObject().put("type", "xacml").put("signingKey", KEY.privateKeyPem()))
            .startsWith("integrations[0].authorization.signingCertificate: is required"));
    assertTrue(
        problem(new JsonObject().put("multipleResources", true))
            .startsWith("integrations[0].authorization.multipleResources: applies to type: xacml"));
  }

  @Test
  void unsigned_answers_and_sha1_are_start_up_warnings() throws Exception {
    GatewayConfig config =
        TestGateway.parse(
            tree(
                new JsonObject()
                    .put("type", "xacml")
                    .put("signed", true)
                    .put("allowSha1", true)
                    .put("certificates", new JsonArray().add(KEY.certificatePem()))));
    assertTrue(
        config.warnings().stream()
            .anyMatch(w -> w.startsWith("integrations[0].authorization.allowSha1: true")));
    GatewayConfig unsigned = TestGateway.parse(tree(new JsonObject().put("type", "xacml")));
    assertTrue(
        unsigned.warnings().stream()
            .anyMatch(w -> w.startsWith("integrations[0].authorization.signed: false")));
  }
}

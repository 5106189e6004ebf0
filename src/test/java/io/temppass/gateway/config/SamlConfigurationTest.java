package io.temppass.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.SamlTestIdp;
import io.temppass.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code login.type: saml}: defaults, and every wrong setting named at start-up. */
class SamlConfigurationTest {
  @TempDir Path dir;

  JsonObject tree(JsonObject saml, JsonObject extraLogin) throws Exception {
    SamlTestIdp idp = new SamlTestIdp(dir);
    JsonObject integration =
        idp.integration("REF30", "SAMLReference", "https://mvpd.example/authz");
    JsonObject login = integration.getJsonObject("login");
    saml.forEach(e -> login.getJsonObject("saml").put(e.getKey(), e.getValue()));
    extraLogin.forEach(e -> login.put(e.getKey(), e.getValue()));
    return TestGateway.withMvpdSessions(
        TestGateway.with(TestGateway.config(), integration), "REF30");
  }

  List<String> problems(JsonObject saml, JsonObject extraLogin) throws Exception {
    JsonObject tree = tree(saml, extraLogin);
    return assertThrows(ConfigException.class, () -> TestGateway.parse(tree)).problems();
  }

  @Test
  void defaults() throws Exception {
    GatewayConfig config = TestGateway.parse(tree(new JsonObject(), new JsonObject()));
    MvpdSettings.Login login = config.integrations().get(0).login();
    assertTrue(login.isSaml());
    assertEquals(Duration.ofHours(1), login.saml().metadataRefresh());
    assertEquals("issuer", login.saml().scoping());
    assertEquals(false, login.saml().allowSha1());
    assertEquals(Duration.ofSeconds(60), login.saml().clockSkew());
  }

  @Test
  void each_wrong_setting_is_named() throws Exception {
    assertEquals(
        List.of(
            "integrations[0].login.saml.metadataUrl: set exactly one of metadataUrl (http(s) URL of the IdP's metadata) and metadataFile (a path)"),
        problems(new JsonObject().put("metadataUrl", "https://idp.example/md"), new JsonObject()));
    assertTrue(
        problems(new JsonObject().put("scoping", "brand"), new JsonObject())
            .get(0)
            .startsWith("integrations[0].login.saml.scoping: must be issuer, requesterId or none"));
    assertTrue(
        problems(new JsonObject().put("clockSkew", "10m"), new JsonObject())
            .get(0)
            .startsWith("integrations[0].login.saml.clockSkew"));
    assertTrue(
        problems(new JsonObject().put("certificate", "not a certificate"), new JsonObject())
            .get(0)
            .startsWith("integrations[0].login.saml.certificate: must be an X.509 certificate"));
    String otherKey = io.temppass.gateway.xml.SigningCredential.generate("x").privateKeyPem();
    JsonObject tree = tree(new JsonObject(), new JsonObject());
    // A key that is not the certificate's is caught when the connector starts, not here; a key
    // that is not PEM is caught here.
    assertTrue(
        problems(new JsonObject().put("privateKey", "garbage"), new JsonObject())
            .get(0)
            .startsWith("integrations[0].login.saml.privateKey"));
    assertTrue(
        problems(new JsonObject(), new JsonObject().put("clientId", "x"))
            .get(0)
            .startsWith("integrations[0].login.type: is saml"));
    assertTrue(
        problems(new JsonObject(), new JsonObject().put("type", "ldap"))
            .get(0)
            .startsWith("integrations[0].login.type: must be oidc or saml"));
    assertTrue(otherKey.contains("PRIVATE KEY") && tree != null);
  }
}

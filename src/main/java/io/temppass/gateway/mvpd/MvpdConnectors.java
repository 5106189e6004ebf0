package io.temppass.gateway.mvpd;

import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.config.MvpdSettings;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.saml.IdpMetadata;
import io.temppass.gateway.xml.SigningCredential;
import io.temppass.gateway.xml.XmlSignatures;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One process's connections to the MVPDs, built once at start-up and shared by the MVPD verticles:
 * per regular integration its login connector, its guarded authorization connector (the concurrency
 * bound and the circuit breaker count calls of the whole process), and the per-process
 * single-flight table of MVPD decisions being asked.
 */
public final class MvpdConnectors {
  private final Map<String, MvpdLogin> logins = new HashMap<>();
  private final Map<String, SamlLogin> samlLogins = new java.util.LinkedHashMap<>();
  private final Map<String, GuardedAuthorizer> authorizers = new HashMap<>();
  private final Map<String, WebClient> clients = new HashMap<>();
  private final SecretBox box;
  private final GatewayMetrics metrics;
  final Map<String, io.vertx.core.Future<?>> inFlight = new ConcurrentHashMap<>();

  private MvpdConnectors(SecretBox box, GatewayMetrics metrics) {
    this.box = box;
    this.metrics = metrics;
  }

  public static MvpdConnectors create(Vertx vertx, GatewayConfig config, GatewayMetrics metrics) {
    byte[] key = config.sessions().encryptionKey();
    MvpdConnectors connectors =
        new MvpdConnectors(key == null ? null : new SecretBox(key), metrics);
    for (IntegrationConfig integration : config.integrations()) {
      if (integration.type() != IntegrationConfig.Type.REGULAR) continue;
      MvpdSettings.Authorization authz = integration.authorization();
      MvpdSettings.Login login = integration.login();
      if (authz == null && login == null) continue;
      long connect = authz != null ? authz.connectTimeout().toMillis() : 2000;
      int pool = authz != null ? authz.maxConcurrency() : 8;
      WebClient web =
          WebClient.create(
              vertx,
              new WebClientOptions()
                  .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connect))
                  .setUserAgent("temppass-gateway")
                  .setFollowRedirects(false)
                  .setKeepAlive(true),
              new PoolOptions().setHttp1MaxSize(pool).setMaxWaitQueueSize(pool * 4));
      connectors.clients.put(integration.id(), web);
      if (login != null && login.isSaml()) {
        SamlLogin saml =
            new SamlLogin(vertx, integration, config.sessions().publicUrl(), web, connectors.box);
        connectors.logins.put(integration.id(), saml);
        connectors.samlLogins.put(integration.id(), saml);
        metrics.signInsOf(integration.id());
        X509Certificate sp = saml.credential().certificate();
        metrics.certificateExpiry(integration.id(), "saml_sp", () -> earliestExpiry(List.of(sp)));
        metrics.certificateExpiry(
            integration.id(),
            "saml_idp",
            () -> {
              IdpMetadata idp = saml.currentMetadata();
              return idp == null ? Double.NaN : earliestExpiry(idp.signingCertificates());
            });
      } else if (login != null) {
        connectors.logins.put(integration.id(), new OAuthLogin(login, web));
        metrics.signInsOf(integration.id());
      }
      if (authz != null) {
        // Read once: the key and the certificates are parsed from their PEM here.
        SigningCredential signer = authz.xacml() ? authz.signer() : null;
        XmlSignatures.Policy answerPolicy = authz.xacml() ? authz.answerPolicy() : null;
        MvpdAuthorizer connector =
            authz.xacml()
                ? new XacmlAuthorizer(
                    vertx,
                    web,
                    authz.url(),
                    authz.issuer() != null
                        ? authz.issuer()
                        : config.sessions().publicUrl() != null
                            ? config.sessions().publicUrl() + "/saml"
                            : "temppass-gateway",
                    signer,
                    answerPolicy,
                    authz.readTimeout().toMillis())
                : new JsonAuthorizer(
                    web,
                    authz.url(),
                    login == null ? null : login.clientId(),
                    login == null ? null : login.clientSecret(),
                    authz.readTimeout().toMillis());
        connectors.authorizers.put(
            integration.id(),
            new GuardedAuthorizer(vertx, integration.id(), connector, authz, metrics));
        if (signer != null) {
          X509Certificate ours = signer.certificate();
          metrics.certificateExpiry(
              integration.id(), "xacml_query_signing", () -> earliestExpiry(List.of(ours)));
        }
        if (answerPolicy != null) {
          List<X509Certificate> pdp = answerPolicy.certificates();
          metrics.certificateExpiry(integration.id(), "xacml_pdp", () -> earliestExpiry(pdp));
        }
      }
    }
    return connectors;
  }

  /** The end of validity of the certificate that expires first, in seconds since the epoch. */
  static double earliestExpiry(List<X509Certificate> certificates) {
    long earliest = Long.MAX_VALUE;
    for (X509Certificate c : certificates) earliest = Math.min(earliest, c.getNotAfter().getTime());
    return earliest == Long.MAX_VALUE ? Double.NaN : earliest / 1000.0;
  }

  /** The integration's login connector, or null when its subscribers cannot sign in here. */
  public MvpdLogin login(IntegrationConfig integration) {
    return logins.get(integration.id());
  }

  /** The integration's guarded authorization connector, or null when none is configured. */
  public GuardedAuthorizer authorizer(IntegrationConfig integration) {
    return authorizers.get(integration.id());
  }

  SecretBox box() {
    return box;
  }

  GatewayMetrics metrics() {
    return metrics;
  }

  /**
   * The sealed RelayState of a SAML logout in {@code rawQuery}, opened; null when it is not one.
   */
  io.vertx.core.json.JsonObject openLogoutRelay(String rawQuery) {
    if (box == null || rawQuery == null) return null;
    for (String pair : rawQuery.split("&")) {
      if (!pair.startsWith("RelayState=")) continue;
      try {
        String sealed =
            java.net.URLDecoder.decode(
                pair.substring("RelayState=".length()), java.nio.charset.StandardCharsets.UTF_8);
        String opened = box.open(sealed, SamlLogin.RELAY_BINDING);
        return opened == null ? null : new io.vertx.core.json.JsonObject(opened);
      } catch (RuntimeException e) {
        return null;
      }
    }
    return null;
  }

  /** The SAML integrations' connectors by integration id, in configuration order. */
  Map<String, SamlLogin> samlLogins() {
    return samlLogins;
  }

  public void close() {
    samlLogins.values().forEach(SamlLogin::close);
    clients.values().forEach(WebClient::close);
  }
}

package io.temppass.gateway.client;

import io.temppass.gateway.token.MediaTokenKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Adobe's Dynamic Client Registration, the rules without HTTP: {@code /o/client/register} turns a
 * software statement into client credentials, {@code /o/client/token} turns credentials into an
 * access token. Neither reads nor writes Redis: statements and tokens are signatures, credentials a
 * MAC ({@link ClientCredentials}), and the applications come from the control plane's last poll.
 */
public final class ClientRegistration {
  /** The answer: a 201 body, or a 400 {@code error} with a description a developer can act on. */
  public record Outcome(JsonObject created, OAuthError error, String description) {
    static Outcome ok(JsonObject created) {
      return new Outcome(created, null, null);
    }

    static Outcome fail(OAuthError error, String description) {
      return new Outcome(null, error, description);
    }
  }

  public static final String GRANT_TYPE = "client_credentials";

  private final Applications applications;
  private final SoftwareStatements statements;
  private final ClientAccessTokens tokens;
  private final ClientCredentials credentials;
  private final LongSupplier clock;

  /**
   * @param keys the {@code dcr.statementKeys} set
   * @param leeway clock skew allowed on statement and token times ({@code accessTokens.leeway})
   */
  public ClientRegistration(
      Applications applications,
      MediaTokenKeys keys,
      String issuer,
      Duration lifetime,
      Duration leeway,
      String hashSecret,
      LongSupplier clock) {
    GatewayJwts jwts = new GatewayJwts(keys);
    this.applications = applications;
    this.statements = new SoftwareStatements(jwts, issuer, leeway.toMillis());
    this.tokens =
        new ClientAccessTokens(jwts, applications, issuer, lifetime.toSeconds(), leeway.toMillis());
    this.credentials = new ClientCredentials(hashSecret);
    this.clock = clock;
  }

  public Applications applications() {
    return applications;
  }

  public ClientAccessTokens accessTokens() {
    return tokens;
  }

  /** A fresh software statement for an application (the dashboard's Download). */
  public String statementFor(Application application) {
    return statements.sign(application, clock.getAsLong());
  }

  /**
   * {@code POST /o/client/register}: a new pair of credentials per call, as Adobe advises one pair
   * per app install. A {@code redirect_uri}, when given, must be on the application's domains or of
   * one of its custom schemes.
   */
  public Outcome register(String softwareStatement, String redirectUri) {
    long now = clock.getAsLong();
    String applicationId;
    try {
      applicationId = statements.applicationId(softwareStatement, now);
    } catch (Refused e) {
      return Outcome.fail(
          OAuthError.INVALID_SOFTWARE_STATEMENT, "software_statement refused: " + e.getMessage());
    }
    Application application = applications.get(applicationId);
    if (application == null)
      return Outcome.fail(
          OAuthError.INVALID_SOFTWARE_STATEMENT,
          "software_statement names no registered application");
    if (application.revoked())
      return Outcome.fail(
          OAuthError.UNAPPROVED_SOFTWARE_STATEMENT, "the registered application is revoked");
    if (redirectUri != null && !application.allowsRedirect(redirectUri))
      return Outcome.fail(
          OAuthError.INVALID_REDIRECT_URI,
          "redirect_uri must be an http(s) URL on one of the application's domains "
              + application.domains()
              + " or use one of its custom schemes "
              + application.customSchemes());
    ClientCredentials.Pair pair = credentials.issue(application.id());
    return Outcome.ok(
        new JsonObject()
            .put("client_id", pair.clientId())
            .put("client_secret", pair.clientSecret())
            .put("client_id_issued_at", now / 1000)
            .put(
                "redirect_uris",
                new JsonArray(redirectUri == null ? List.of() : List.of(redirectUri)))
            .put("grant_types", new JsonArray().add(GRANT_TYPE))
            .put("scopes", new JsonArray(application.scopes())));
  }

  /**
   * {@code POST /o/client/token} with the three parameters, each already known to be given once. A
   * pair that is not ours is {@code invalid_client} (register again); a pair of a revoked
   * application is {@code unauthorized_client} (registering again would not help).
   */
  public Outcome token(String clientId, String clientSecret, String grantType) {
    if (!GRANT_TYPE.equals(grantType))
      return Outcome.fail(OAuthError.UNSUPPORTED_GRANT_TYPE, "grant_type must be " + GRANT_TYPE);
    String applicationId = credentials.applicationOf(clientId, clientSecret);
    Application application = applications.get(applicationId);
    if (applicationId == null || application == null)
      return Outcome.fail(
          OAuthError.INVALID_CLIENT,
          "client_id and client_secret are not a pair this gateway issued: register again");
    if (application.revoked())
      return Outcome.fail(
          OAuthError.UNAUTHORIZED_CLIENT, "the client's registered application is revoked");
    ClientAccessTokens.Issued issued = tokens.issue(clientId, application, clock.getAsLong());
    return Outcome.ok(
        new JsonObject()
            .put("id", issued.id())
            .put("access_token", issued.accessToken())
            .put("created_at", issued.createdAt())
            .put("expires_in", issued.expiresIn())
            .put("token_type", "bearer"));
  }
}

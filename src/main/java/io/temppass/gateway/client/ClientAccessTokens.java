package io.temppass.gateway.client;

import com.nimbusds.jwt.JWTClaimsSet;
import io.temppass.gateway.Ids;
import io.vertx.core.json.JsonObject;
import java.util.Date;

/**
 * The gateway's own client access tokens (the answer of {@code /o/client/token}): a JWS of the
 * statement key with {@code iss}, {@code sub} = the {@code client_id}, {@code scopes} (the
 * application's, comma-joined as Adobe's tokens carry them), {@code iat}, {@code nbf}, {@code exp},
 * {@code jti} and the application id in {@link #APPLICATION_CLAIM}. They are verified in memory:
 * signature and times here, and on every request the application against the registered
 * applications the control plane polls ({@link #admits}), so a revocation ends them everywhere
 * within a poll and checking one costs no Redis round trip.
 */
public final class ClientAccessTokens {
  /** The claim naming the registered application a gateway-issued token belongs to. */
  public static final String APPLICATION_CLAIM = "application_id";

  /** A freshly issued token, with what {@code /o/client/token} answers. */
  public record Issued(String id, String accessToken, long createdAt, long expiresIn) {
    @Override
    public String toString() {
      return "Issued[id=" + id + "]";
    }
  }

  private final GatewayJwts jwts;
  private final Applications applications;
  private final String issuer;
  private final long lifetimeSeconds;
  private final long leewayMillis;

  ClientAccessTokens(
      GatewayJwts jwts,
      Applications applications,
      String issuer,
      long lifetimeSeconds,
      long leewayMillis) {
    this.jwts = jwts;
    this.applications = applications;
    this.issuer = issuer;
    this.lifetimeSeconds = lifetimeSeconds;
    this.leewayMillis = leewayMillis;
  }

  Issued issue(String clientId, Application application, long nowMillis) {
    String id = Ids.randomUuid();
    long seconds = nowMillis / 1000;
    String token =
        jwts.sign(
            new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(clientId)
                .claim("scopes", String.join(",", application.scopes()))
                .claim(APPLICATION_CLAIM, application.id())
                .jwtID(id)
                .issueTime(new Date(seconds * 1000))
                .notBeforeTime(new Date(seconds * 1000))
                .expirationTime(new Date((seconds + lifetimeSeconds) * 1000))
                .build());
    return new Issued(id, token, nowMillis, lifetimeSeconds);
  }

  /** Whether a JWS header's {@code kid} names one of the gateway's keys: the token is ours. */
  public boolean signedByUs(String kid) {
    return jwts.knows(kid);
  }

  /**
   * The claims of a token the gateway issued that is valid at {@code nowMillis} (within the
   * leeway); throws {@link Refused} otherwise. Whether its application is still approved is {@link
   * #admits}.
   */
  public JsonObject verify(String token, long nowMillis) throws Refused {
    JWTClaimsSet claims = jwts.verify(token);
    if (!issuer.equals(claims.getIssuer())) throw new Refused("issuer not accepted");
    Date exp = claims.getExpirationTime();
    if (exp == null || exp.getTime() + leewayMillis <= nowMillis) throw new Refused("expired");
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.getTime() - leewayMillis > nowMillis) throw new Refused("not valid yet");
    JsonObject json = new JsonObject(claims.toJSONObject());
    if (!(json.getValue(APPLICATION_CLAIM) instanceof String)) throw new Refused("no application");
    return json;
  }

  /**
   * Null when the application behind these claims (if they name one) is registered and approved;
   * else why not, for logs. Claims without {@link #APPLICATION_CLAIM} (an external issuer's) pass.
   */
  public String refusal(JsonObject claims) {
    Object id = claims.getValue(APPLICATION_CLAIM);
    if (id == null) return null;
    Application application = applications.get(String.valueOf(id));
    if (application == null) return "unknown application";
    return application.revoked() ? "application revoked" : null;
  }

  /**
   * Whether these claims may act for {@code serviceProvider}: the application's own list when they
   * name one, else null (the caller's other rules decide).
   */
  public Boolean mayActFor(JsonObject claims, String serviceProvider) {
    Object id = claims.getValue(APPLICATION_CLAIM);
    if (id == null) return null;
    Application application = applications.get(String.valueOf(id));
    return application != null && application.mayActFor(serviceProvider);
  }
}

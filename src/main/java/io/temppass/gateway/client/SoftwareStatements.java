package io.temppass.gateway.client;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Date;

/**
 * Software statements, the TVE Dashboard's download: a JWS of the gateway's statement key with
 * Adobe's claims, {@code iss}, {@code sub} (the application id), {@code iat} and {@code nbf}, no
 * {@code exp} (a statement lives as long as its application is approved), plus {@code software_id}
 * and {@code client_name}. Each download is signed afresh: same {@code sub}, new {@code iat}.
 */
public final class SoftwareStatements {
  private final GatewayJwts jwts;
  private final String issuer;
  private final long leewayMillis;

  SoftwareStatements(GatewayJwts jwts, String issuer, long leewayMillis) {
    this.jwts = jwts;
    this.issuer = issuer;
    this.leewayMillis = leewayMillis;
  }

  public String sign(Application application, long nowMillis) {
    Date now = new Date(nowMillis / 1000 * 1000);
    return jwts.sign(
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject(application.id())
            .issueTime(now)
            .notBeforeTime(now)
            .claim("software_id", application.id())
            .claim("client_name", application.name())
            .build());
  }

  /**
   * The application id a statement names, once its signature, issuer and times check; throws {@link
   * Refused} with the reason otherwise. Whether that application is approved is the caller's
   * question.
   */
  String applicationId(String statement, long nowMillis) throws Refused {
    JWTClaimsSet claims = jwts.verify(statement);
    if (!issuer.equals(claims.getIssuer())) throw new Refused("issuer not accepted");
    if (claims.getSubject() == null) throw new Refused("no sub");
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && nbf.getTime() > nowMillis + leewayMillis) throw new Refused("not valid yet");
    Date exp = claims.getExpirationTime();
    if (exp != null && exp.getTime() < nowMillis - leewayMillis) throw new Refused("expired");
    return claims.getSubject();
  }
}

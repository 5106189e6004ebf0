package io.temppass.gateway.mvpd;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.SignedJWT;
import io.temppass.gateway.mvpd.MvpdLogin.LoginFailedException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.security.Key;
import java.text.ParseException;
import java.util.List;
import java.util.Set;

/**
 * One OpenID provider as the gateway reads it: its discovery document and its signing keys, both
 * fetched with the gateway's own web client so every answer is capped ({@link CappedBody}) and
 * bounded in time, and ID tokens verified against those keys only.
 *
 * <p>Discovery runs on first use and again after a failure, so a provider that is down while the
 * gateway starts delays only its own sign-ins. The key set is fetched with the discovery document
 * and again when an ID token names a key it does not hold (a rotation), at most once per {@link
 * #KEY_REFETCH_MILLIS} so tokens with invented key ids cannot make the gateway hammer the provider.
 */
final class OidcProvider {
  /**
   * The ID-token signatures accepted: RSA and ECDSA with SHA-2. Never {@code none}, never HMAC (a
   * client secret is not a key from the provider's key set), never a key carried in the token.
   */
  static final Set<JWSAlgorithm> ID_TOKEN_ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  static final long KEY_REFETCH_MILLIS = 30_000;

  /** What the gateway uses of a discovery document. */
  record Metadata(
      String authorizationEndpoint,
      String tokenEndpoint,
      String userInfoEndpoint,
      String jwksUri,
      String endSessionEndpoint) {}

  private final String issuer;
  private final WebClient web;
  private final long timeoutMillis;
  private Future<Metadata> metadata;
  private Future<JWKSet> keys;
  private long keysFetchedAt;

  OidcProvider(String issuer, WebClient web, long timeoutMillis) {
    this.issuer = issuer;
    this.web = web;
    this.timeoutMillis = timeoutMillis;
  }

  /** The discovery document, fetched on first use and again after a failure. */
  synchronized Future<Metadata> metadata() {
    if (metadata == null || metadata.failed()) {
      metadata =
          get(issuer + "/.well-known/openid-configuration", "discovery document")
              .map(this::metadataOf);
    }
    return metadata;
  }

  private Metadata metadataOf(JsonObject doc) {
    // OpenID Connect Discovery 4.3: the issuer in the document is exactly the one configured.
    if (!issuer.equals(doc.getValue("issuer")))
      throw new LoginFailedException(
          "the discovery document names issuer "
              + printable(doc.getValue("issuer"))
              + ", not the configured "
              + issuer);
    return new Metadata(
        required(doc, "authorization_endpoint"),
        required(doc, "token_endpoint"),
        optional(doc, "userinfo_endpoint"),
        required(doc, "jwks_uri"),
        optional(doc, "end_session_endpoint"));
  }

  /**
   * The claims of an ID token whose signature one of the provider's keys verifies, with an allowed
   * algorithm. The claims themselves (issuer, audience, nonce, expiry) are the caller's to check.
   */
  Future<JsonObject> verify(String idToken) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(idToken);
    } catch (ParseException | RuntimeException e) {
      return Future.failedFuture(new LoginFailedException("the ID token is not a signed JWT"));
    }
    JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
    if (!ID_TOKEN_ALGORITHMS.contains(alg))
      return Future.failedFuture(
          new LoginFailedException("the ID token is signed with " + alg + ", not an allowed one"));
    return keys(false)
        .compose(
            set -> {
              List<? extends Key> held = candidates(jwt.getHeader(), set);
              return held.isEmpty()
                  ? keys(true).map(fresh -> candidates(jwt.getHeader(), fresh))
                  : Future.succeededFuture(held);
            })
        .map(
            candidates -> {
              if (candidates.isEmpty())
                throw new LoginFailedException(
                    "no key of the MVPD's key set matches the ID token (kid "
                        + printable(jwt.getHeader().getKeyID())
                        + ", "
                        + alg
                        + ")");
              for (Key key : candidates) {
                try {
                  if (jwt.verify(
                      new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(), key)))
                    return new JsonObject(jwt.getPayload().toString());
                } catch (JOSEException | RuntimeException e) {
                  // a key of the wrong shape for this algorithm: try the next one
                }
              }
              throw new LoginFailedException("the ID token's signature does not verify");
            });
  }

  private static List<? extends Key> candidates(JWSHeader header, JWKSet set) {
    try {
      return new JWSVerificationKeySelector<SecurityContext>(
              ID_TOKEN_ALGORITHMS, new ImmutableJWKSet<>(set))
          .selectJWSKeys(header, null);
    } catch (Exception e) {
      return List.of();
    }
  }

  /** The key set; {@code refresh} fetches it again unless it was fetched moments ago. */
  private synchronized Future<JWKSet> keys(boolean refresh) {
    long now = System.currentTimeMillis();
    boolean stale = refresh && now - keysFetchedAt >= KEY_REFETCH_MILLIS;
    if (keys == null || keys.failed() || stale) {
      keysFetchedAt = now;
      keys =
          metadata()
              .compose(m -> get(m.jwksUri(), "key set"))
              .map(
                  json -> {
                    try {
                      return JWKSet.parse(json.getMap());
                    } catch (ParseException | RuntimeException e) {
                      throw new LoginFailedException("the MVPD's key set is not a JWK set");
                    }
                  });
    }
    return keys;
  }

  private Future<JsonObject> get(String url, String what) {
    return web.getAbs(url)
        .as(CappedBody.MVPD_ANSWER)
        .timeout(timeoutMillis)
        .putHeader("Accept", "application/json")
        .send()
        .map(r -> jsonObject(r, what));
  }

  /** A 200 answer holding one JSON object, else a failure naming what was asked for. */
  static JsonObject jsonObject(HttpResponse<?> r, String what) {
    if (r.statusCode() != 200)
      throw new LoginFailedException("the MVPD's " + what + " answered HTTP " + r.statusCode());
    try {
      return r.bodyAsJsonObject();
    } catch (RuntimeException e) {
      throw new LoginFailedException(
          "the MVPD's " + what + " answered something other than a JSON object");
    }
  }

  private static String required(JsonObject doc, String field) {
    String value = optional(doc, field);
    if (value == null) throw new LoginFailedException("the discovery document has no " + field);
    return value;
  }

  private static String optional(JsonObject doc, String field) {
    return doc.getValue(field) instanceof String s && !s.isBlank() ? s : null;
  }

  /** A value from the provider, quoted and shortened for a log line. */
  static String printable(Object value) {
    if (value == null) return "none";
    String s = value.toString().replaceAll("[^\\x20-\\x7e]", "?");
    return '"' + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + '"';
  }
}

package io.temppass.gateway.token;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MediaTokenPayloadTest {

  /** The payload's members, in order, as a map (the text the writer must produce). */
  static Map<String, Object> toJson(MediaTokenClaims claims) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("iss", MediaTokenPayload.ISSUER);
    payload.put("requestor", claims.requestor());
    payload.put("mvpd", claims.mvpd());
    payload.put("resource", claims.resource());
    payload.put("iat", MediaTokenPayload.seconds(claims.issuedAtMillis()));
    payload.put("nbf", MediaTokenPayload.seconds(claims.notBeforeMillis()));
    payload.put("exp", MediaTokenPayload.seconds(claims.expiresAtMillis()));
    payload.put("nbfMs", claims.notBeforeMillis());
    payload.put("expMs", claims.expiresAtMillis());
    payload.put("jti", claims.tokenId());
    payload.put("dev", claims.deviceHash());
    return payload;
  }

  /**
   * The signer writes the payload with a streaming generator; it must be exactly the text of the
   * mapping {@link #toJson} as Vert.x encodes it, and {@link MediaTokenPayload#fromJson} must read
   * it back as the verifier parses it (Nimbus JOSE+JWT) (members, order, escaping, negative and
   * large numbers). Caught when the generator wrote {@code dev} before {@code jti}, and when it
   * escaped characters outside the BMP as surrogate pairs where the JsonObject mapping writes them
   * as UTF-8.
   */
  @Test
  void streamedPayloadIsTheTextOfTheJsonMapping() throws Exception {
    List<String> resources =
        List.of(
            "urn:resource",
            "title \"quoted\" \\ back",
            "ünïcödé ☃ 😀",
            "tab\tnew\nline\u0001",
            "</script>",
            "<rss version=\"2.0\"><channel><title>REF30</title></channel></rss>");
    for (String resource : resources) {
      MediaTokenClaims claims =
          new MediaTokenClaims(
              "requestor-é",
              "mvpd\"x",
              resource,
              1_700_000_000_000L,
              -1_999L,
              Long.MAX_VALUE / 2,
              "jti-42",
              "dev/hash+=");
      String written = new String(MediaTokenPayloadWriter.encode(claims), UTF_8);
      assertEquals(new JsonObject(toJson(claims)).encode(), written, resource);
      assertEquals(claims, MediaTokenPayload.fromJson(JSONObjectUtils.parse(written)));
    }
  }
}

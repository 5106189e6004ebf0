package io.temppass.gateway.token;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The signer's payload bytes, written by Jackson's streaming generator: the same members, order and
 * escaping as the same members in a {@code JsonObject} encoded by Vert.x, without building a map
 * and walking it through a data binder, which cost more than the rest of a token outside the
 * signature itself. Kept out of {@link MediaTokenPayload} so the verifier jar needs no Jackson.
 */
final class MediaTokenPayloadWriter {

  /**
   * Characters outside the BMP as raw UTF-8, as {@code JsonObject.encode()} writes them, not as
   * escaped surrogates.
   */
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

  private MediaTokenPayloadWriter() {}

  static byte[] encode(MediaTokenClaims claims) {
    ByteArrayBuilder out = new ByteArrayBuilder(384);
    write(claims, out);
    return out.toByteArray();
  }

  /** The payload's UTF-8 JSON appended to {@code out}. */
  static void write(MediaTokenClaims claims, OutputStream out) {
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("iss", MediaTokenPayload.ISSUER);
      g.writeStringField("requestor", claims.requestor());
      g.writeStringField("mvpd", claims.mvpd());
      g.writeStringField("resource", claims.resource());
      g.writeNumberField("iat", MediaTokenPayload.seconds(claims.issuedAtMillis()));
      g.writeNumberField("nbf", MediaTokenPayload.seconds(claims.notBeforeMillis()));
      g.writeNumberField("exp", MediaTokenPayload.seconds(claims.expiresAtMillis()));
      g.writeNumberField("nbfMs", claims.notBeforeMillis());
      g.writeNumberField("expMs", claims.expiresAtMillis());
      g.writeStringField("jti", claims.tokenId());
      g.writeStringField("dev", claims.deviceHash());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

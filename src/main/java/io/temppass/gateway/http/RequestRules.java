package io.temppass.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.temppass.gateway.temppass.IdentityHasher;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The validation rules of SPEC 3 as plain functions of header and body values, so each rule is
 * testable without a server. Each returns null (or false) for invalid input; the HTTP verticle maps
 * that to the rule's Enhanced Error.
 */
public final class RequestRules {
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final int MAX_DEVICE_ID_BYTES = 256;
  private static final Pattern DEVICE_INFO_PAIR =
      Pattern.compile("\"([A-Za-z]{1,64})\"\\s*:\\s*\"([^\"\\\\]{0,256})\"");
  private static final int MAX_HEADER_CHARS = 8192;
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
          .build();

  private RequestRules() {}

  /**
   * {@code [A-Za-z0-9_.-]{1,128}}, checked character by character: it runs twice on every request.
   */
  public static boolean validId(String value) {
    if (value == null || value.isEmpty() || value.length() > 128) return false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == '-';
      if (!ok) return false;
    }
    return true;
  }

  /**
   * The client's {@code X-Request-Id} when it is a sane token (load balancers set one), else null.
   */
  public static String acceptedRequestId(String header) {
    return header != null && REQUEST_ID.matcher(header).matches() ? header : null;
  }

  /** {@code fingerprint <Base64>} decoding to 1-256 bytes: the raw device id, or null. */
  public static byte[] deviceIdentifier(String header) {
    if (header == null || header.length() > MAX_HEADER_CHARS) return null;
    String value = header.strip();
    int space = value.indexOf(' ');
    if (space <= 0 || !value.substring(0, space).equals("fingerprint")) return null;
    byte[] raw = base64(value.substring(space + 1).strip());
    return raw == null || raw.length == 0 || raw.length > MAX_DEVICE_ID_BYTES ? null : raw;
  }

  /**
   * {@code X-Device-Info} is optional and only has to be Base64: its JSON is read leniently
   * elsewhere because Adobe's own sample is malformed JSON (SPEC 3, decided).
   */
  public static boolean validDeviceInfo(String header) {
    if (header == null) return true;
    if (header.length() > MAX_HEADER_CHARS) return false;
    byte[] raw = base64(header.strip());
    return raw != null && raw.length > 0;
  }

  /**
   * {@code X-Device-Info} as an object, read leniently: Adobe's own sample is JSON with a missing
   * comma, so when the value is not JSON its {@code "name": "string"} pairs are picked out one by
   * one, and anything else gives an empty object rather than an error.
   */
  public static io.vertx.core.json.JsonObject deviceInfo(String header) {
    if (header == null || header.length() > MAX_HEADER_CHARS)
      return new io.vertx.core.json.JsonObject();
    byte[] raw = base64(header.strip());
    if (raw == null) return new io.vertx.core.json.JsonObject();
    String text = new String(raw, StandardCharsets.UTF_8);
    try {
      return new io.vertx.core.json.JsonObject(text);
    } catch (RuntimeException e) {
      io.vertx.core.json.JsonObject lenient = new io.vertx.core.json.JsonObject();
      java.util.regex.Matcher m = DEVICE_INFO_PAIR.matcher(text);
      while (m.find()) lenient.put(m.group(1), m.group(2));
      return lenient;
    }
  }

  /** {@code application/json} with any parameters (Adobe documents both spellings). */
  public static boolean jsonContentType(String header) {
    if (header == null) return false;
    return mediaType(header).equals("application/json");
  }

  /**
   * What is wrong with a {@code Content-Type} that is not {@code expected}, for an error's details:
   * missing, or the media type it names (cut short, printable ASCII only).
   */
  public static String contentTypeProblem(String header, String expected) {
    if (header == null || header.isBlank()) return "Content-Type missing: send " + expected;
    String type = mediaType(header).replaceAll("[^\\x21-\\x7e]", "?");
    if (type.length() > 64) type = type.substring(0, 64) + "…";
    return "Content-Type must be " + expected + ", got '" + type + "'";
  }

  /** Absent, a wildcard, or a list naming JSON. */
  public static boolean acceptsJson(String header) {
    if (header == null || header.isBlank()) return true;
    for (String part : header.split(",")) {
      String type = mediaType(part);
      if (type.equals("*/*") || type.equals("application/*") || type.equals("application/json"))
        return true;
    }
    return false;
  }

  /**
   * The {@code resources} of a decisions body: a JSON object whose {@code resources} is a non-empty
   * array of non-empty strings of at most {@code maxLength} characters. Other fields are ignored.
   * Returns null for anything else, including malformed or deeply nested JSON, a body that is not
   * well-formed UTF-8 (overlong forms such as {@code C0 AE} for "."), and a resource holding an
   * unpaired surrogate ({@code "\ud800x"}): the JSON parser accepts both, and they would reach
   * Redis and the media token as a different string than the client sent.
   */
  public static List<String> resources(Buffer body, int maxLength) {
    return readResources(body, maxLength).list();
  }

  /** A decisions body read: its resources, or (list null) what is wrong with it in words. */
  public record Resources(List<String> list, String problem) {
    static Resources wrong(String problem) {
      return new Resources(null, problem);
    }
  }

  /** {@link #resources}, with the reason when the body is refused. */
  public static Resources readResources(Buffer body, int maxLength) {
    if (body == null) return Resources.wrong("the body is larger than server.maxBodyBytes");
    if (body.length() == 0)
      return Resources.wrong("the body is empty; send {\"resources\":[\"<resource id>\"]}");
    byte[] bytes = body.getBytes();
    if (!wellFormedUtf8(bytes)) return Resources.wrong("the body is not well-formed UTF-8");
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT)
        return Resources.wrong(at(p, "the body must be a JSON object"));
      List<String> resources = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!"resources".equals(field)) {
          p.skipChildren();
          continue;
        }
        if (resources != null) return Resources.wrong(at(p, "resources is given twice"));
        if (value != JsonToken.START_ARRAY)
          return Resources.wrong(at(p, "resources must be an array of strings"));
        resources = new ArrayList<>();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t != JsonToken.VALUE_STRING)
            return Resources.wrong(at(p, "resources must hold only strings"));
          String r = p.getText();
          if (r.isEmpty()) return Resources.wrong(at(p, "a resource is an empty string"));
          if (r.length() > maxLength)
            return Resources.wrong(
                at(p, "a resource is longer than server.maxResourceLength (" + maxLength + ")"));
          if (!wellFormedUtf16(r))
            return Resources.wrong(at(p, "a resource holds an unpaired surrogate"));
          resources.add(r);
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null)
        return Resources.wrong(at(p, "the body holds more than one JSON object"));
      if (resources == null)
        return Resources.wrong(
            "the body has no resources: send {\"resources\":[\"<resource id>\"]}");
      if (resources.isEmpty()) return Resources.wrong("resources is an empty array");
      return new Resources(resources, null);
    } catch (JsonProcessingException e) {
      // The parser's own words with its position, without the body it quotes.
      JsonLocation where = e.getLocation();
      return Resources.wrong(
          "the JSON body at line "
              + (where == null ? "?" : where.getLineNr())
              + " column "
              + (where == null ? "?" : where.getColumnNr())
              + ": "
              + firstLine(e.getOriginalMessage()));
    } catch (IOException | RuntimeException e) {
      return Resources.wrong("the body is not valid JSON");
    }
  }

  private static String at(JsonParser p, String problem) {
    JsonLocation where = p.currentTokenLocation();
    return problem + " (line " + where.getLineNr() + " column " + where.getColumnNr() + ")";
  }

  private static String firstLine(String s) {
    if (s == null) return "not valid JSON";
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 160 ? line.substring(0, 160) + "…" : line;
  }

  /**
   * The identity value from {@code AP-TempPass-Identity}: Base64 of a JSON object holding {@code
   * identityKey} as a non-empty string. Null when missing or invalid.
   */
  public static String tempPassIdentity(String header, String identityKey) {
    if (header == null || header.length() > MAX_HEADER_CHARS) return null;
    byte[] raw = base64(header.strip());
    if (raw == null) return null;
    try (JsonParser p = JSON.createParser(raw)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return null;
      String identity = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (identityKey.equals(field) && value == JsonToken.VALUE_STRING) {
          identity = p.getText();
        } else {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) return null;
      // Blank once normalised (only spaces or zero-width characters) is no identity at all.
      return identity == null || IdentityHasher.normaliseIdentity(identity).isEmpty()
          ? null
          : identity;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The JDK's decoder refuses overlong forms, encoded surrogates and bytes above U+10FFFF. */
  static boolean wellFormedUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Every surrogate is half of a pair. */
  static boolean wellFormedUtf16(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static String mediaType(String header) {
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon))
        .strip()
        .toLowerCase(java.util.Locale.ROOT);
  }

  /** Standard Base64 with or without padding; URL-safe alphabet tolerated. Null if not Base64. */
  static byte[] base64(String value) {
    if (value.isEmpty()) return null;
    try {
      return Base64.getDecoder().decode(value.getBytes(StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      try {
        return Base64.getUrlDecoder().decode(value.getBytes(StandardCharsets.US_ASCII));
      } catch (IllegalArgumentException e2) {
        return null;
      }
    }
  }
}

package io.temppass.gateway.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temppass.gateway.http.RequestRules;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Coverage-guided fuzz test of the request parsers in {@link RequestRules}: they must never throw
 * and their results must keep the documented invariants.
 *
 * <p>Input layout (so seeds can be written by hand): eight strings, each terminated by a backslash
 * followed by any other character (a doubled backslash is a literal one), in this order: path id,
 * {@code X-Request-Id}, {@code AP-Device-Identifier}, {@code X-Device-Info}, {@code Content-Type},
 * {@code Accept}, {@code AP-TempPass-Identity}, identity key; the remaining bytes are the decisions
 * body. Every header is tried as given and, where the rule decodes Base64, also Base64-encoded so
 * the fuzzer reaches the decoded-JSON paths.
 *
 * <p>{@code mvn test} replays
 * src/test/resources/io/temppass/gateway/fuzz/RequestParsingFuzzTestInputs/; {@code mvn -Pfuzz
 * test} fuzzes (see README).
 */
class RequestParsingFuzzTest {
  private static final int MAX_HEADER = 4096;

  /** 1, a small limit, and the production default of server.maxResourceLength. */
  private static final int[] MAX_RESOURCE_LENGTHS = {1, 8, 2048};

  private static final ObjectMapper MAPPER = new ObjectMapper();

  @FuzzTest(maxDuration = "5m")
  void requestParsing(FuzzedDataProvider data) throws Exception {
    String id = data.consumeString(MAX_HEADER);
    String requestId = data.consumeString(MAX_HEADER);
    String device = data.consumeString(MAX_HEADER);
    String deviceInfo = data.consumeString(MAX_HEADER);
    String contentType = data.consumeString(MAX_HEADER);
    String accept = data.consumeString(MAX_HEADER);
    String identity = data.consumeString(MAX_HEADER);
    String identityKey = data.consumeString(64);
    byte[] body = data.consumeRemainingAsBytes();

    checkValidId(id);
    checkValidId(requestId);
    checkRequestId(requestId);
    checkRequestId(id);

    checkDeviceIdentifier(device);
    byte[] rawDevice = device.getBytes(StandardCharsets.UTF_8);
    byte[] decoded = checkDeviceIdentifier("fingerprint " + b64(rawDevice));
    if (rawDevice.length >= 1 && rawDevice.length <= 256) {
      assertArrayEquals(rawDevice, decoded, "fingerprint round trip");
    }
    checkDeviceIdentifier(" fingerprint  " + b64url(rawDevice) + " ");

    RequestRules.validDeviceInfo(deviceInfo);
    byte[] rawInfo = deviceInfo.getBytes(StandardCharsets.UTF_8);
    assertEquals(
        rawInfo.length > 0, RequestRules.validDeviceInfo(b64(rawInfo)), "X-Device-Info Base64");
    assertTrue(RequestRules.validDeviceInfo(null));

    for (String header : new String[] {contentType, accept}) {
      boolean json = RequestRules.jsonContentType(header);
      boolean accepts = RequestRules.acceptsJson(header);
      if (json) assertTrue(accepts, "a JSON Content-Type is also an acceptable Accept");
    }

    String key = identityKey.isBlank() ? "email" : identityKey;
    checkIdentity(identity, key);
    checkIdentity(b64(identity.getBytes(StandardCharsets.UTF_8)), key);
    checkIdentity(b64(body), key);

    Buffer buffer = Buffer.buffer(body);
    for (int maxLength : MAX_RESOURCE_LENGTHS) {
      checkResources(buffer, body, maxLength);
    }
  }

  private static void checkValidId(String value) {
    if (RequestRules.validId(value)) {
      assertTrue(value.length() >= 1 && value.length() <= 128, "validId length");
      for (char c : value.toCharArray()) {
        assertTrue(isAlnum(c) || c == '_' || c == '.' || c == '-', "validId character");
      }
    }
  }

  private static void checkRequestId(String value) {
    String accepted = RequestRules.acceptedRequestId(value);
    if (accepted != null) {
      assertSame(value, accepted, "acceptedRequestId returns the header itself");
      assertTrue(value.length() >= 1 && value.length() <= 128, "request id length");
      for (char c : value.toCharArray()) {
        assertTrue(
            isAlnum(c) || c == '_' || c == '.' || c == '-' || c == ':', "request id character");
      }
    }
  }

  private static byte[] checkDeviceIdentifier(String header) {
    byte[] raw = RequestRules.deviceIdentifier(header);
    if (raw != null) {
      assertTrue(raw.length >= 1 && raw.length <= 256, "device id is 1..256 bytes");
      assertTrue(
          header.strip().startsWith("fingerprint "), "device id needs the fingerprint scheme");
    }
    return raw;
  }

  private static void checkIdentity(String header, String key) {
    String identity = RequestRules.tempPassIdentity(header, key);
    if (identity != null) assertFalse(identity.isBlank(), "identity is not blank");
  }

  private static void checkResources(Buffer buffer, byte[] body, int maxLength) throws Exception {
    List<String> resources = RequestRules.resources(buffer, maxLength);
    if (resources == null) return;
    assertFalse(resources.isEmpty(), "resources is null or non-empty");
    for (String r : resources) {
      assertNotNull(r);
      assertTrue(!r.isEmpty() && r.length() <= maxLength, "resource is 1..maxLength characters");
    }
    // Differential check: whatever the streaming rule accepts is a JSON object whose "resources"
    // (unique, since the rule rejects a repeated one) is exactly the returned list.
    JsonNode tree = MAPPER.readTree(body);
    assertTrue(tree != null && tree.isObject(), "accepted body is a JSON object");
    JsonNode array = tree.get("resources");
    assertTrue(array != null && array.isArray(), "accepted body has a resources array");
    List<String> expected = new ArrayList<>();
    array.forEach(n -> expected.add(n.textValue()));
    assertEquals(expected, resources);
  }

  private static boolean isAlnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static String b64(byte[] raw) {
    return Base64.getEncoder().encodeToString(raw);
  }

  private static String b64url(byte[] raw) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }
}

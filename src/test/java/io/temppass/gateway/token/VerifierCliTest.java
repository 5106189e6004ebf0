package io.temppass.gateway.token;

import static io.temppass.gateway.token.MediaTokenSignerTest.clockAt;
import static io.temppass.gateway.token.TokenFixtures.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifierCliTest {

  @TempDir Path tempDir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Path jwksFile;
  private String token;

  @BeforeEach
  void publishKeyAndSignToken() throws Exception {
    MediaTokenKeys keys = TokenFixtures.singleKey(SigningKey.generate("cli-key"));
    jwksFile = tempDir.resolve("jwks.json");
    Files.writeString(jwksFile, keys.jwks().encodePrettily());
    token = new MediaTokenSigner(keys).sign(claims("urn:resource"));
  }

  @Test
  void validTokenExitsZero() {
    int exitCode =
        run(
            "--jwks",
            jwksFile.toString(),
            "--requestor",
            "REQ-1",
            "--resource",
            "urn:resource",
            token);

    String[] lines = stdout().split("\\R");
    assertEquals(0, exitCode);
    assertEquals("VALID_TOKEN", lines[0]);
    JsonObject claims = new JsonObject(lines[1]);
    assertEquals("urn:resource", claims.getString("resource"));
    // The README documents these names, in this order.
    assertEquals(
        java.util.List.of(
            "requestor",
            "mvpd",
            "resource",
            "issuedAtMillis",
            "notBeforeMillis",
            "expiresAtMillis",
            "tokenId",
            "deviceHash"),
        java.util.List.copyOf(claims.fieldNames()));
    assertEquals("REQ-1", claims.getString("requestor"));
  }

  @Test
  void wrongResourceExitsOne() {
    int exitCode =
        run(
            "--jwks",
            jwksFile.toString(),
            "--requestor",
            "REQ-1",
            "--resource",
            "urn:other",
            token);

    assertEquals(1, exitCode);
    assertEquals("INVALID_RESOURCE_ID", stdout().lines().findFirst().orElseThrow());
  }

  @Test
  void missingArgumentsExitTwo() {
    assertEquals(2, run("--jwks", jwksFile.toString(), token));
    assertTrue(stderr().contains("usage:"), stderr());
    assertEquals("", stdout());
  }

  @Test
  void unreadableJwksExitsTwo() {
    assertEquals(
        2,
        run("--jwks", tempDir.resolve("missing.json").toString(), "--requestor", "REQ-1", token));
  }

  private int run(String... args) {
    return VerifierCli.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        clockAt(TokenFixtures.NOT_BEFORE + 1));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }
}

package io.temppass.gateway.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The media-token verifier jar ({@code target/temppass-media-token-verifier.jar}) holds our classes
 * that the {@code media-token-verifier} shade execution of {@code pom.xml} includes, and Nimbus
 * JOSE+JWT. This test reads that include list from the pom, loads exactly those classes and Nimbus
 * in a class loader that sees nothing else but the JDK, and runs the CLI on a token the gateway's
 * signer made, so the jar a playback backend depends on cannot silently need the gateway's class
 * path.
 *
 * <p>Breakage caught: a verifier class using a gateway dependency or a gateway class outside the
 * list fails with {@code NoClassDefFoundError} (tried: {@code VerifierCli} printing the claims with
 * Vert.x's {@code JsonObject}, and {@code VerifierCli} calling {@code io.temppass.gateway.Ids}).
 */
class MediaTokenVerifierJarTest {

  private static final Pattern EXECUTION =
      Pattern.compile("<id>media-token-verifier</id>(.*?)</execution>", Pattern.DOTALL);
  private static final Pattern OUR_INCLUDE =
      Pattern.compile("<include>(io/temppass/[^<]+)</include>");

  @TempDir Path tempDir;

  @Test
  void verifierClassesAndNimbusAloneVerifyAGatewayToken() throws Exception {
    MediaTokenKeys keys = TokenFixtures.singleKey(SigningKey.generate("jar-key"));
    long now = System.currentTimeMillis();
    String token =
        new MediaTokenSigner(keys)
            .sign(
                new MediaTokenClaims(
                    "REQ-1",
                    "TempPass_TEST",
                    "urn:resource",
                    now,
                    now - 60_000,
                    now + 600_000,
                    "jti-jar",
                    "dev-hash"));
    Path jwks = tempDir.resolve("jwks.json");
    Files.writeString(jwks, keys.jwks().encode());

    Path classes = verifierClasses();
    URL nimbus = JWSObject.class.getProtectionDomain().getCodeSource().getLocation();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode;
    try (URLClassLoader isolated =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL(), nimbus}, ClassLoader.getPlatformClassLoader())) {
      Class<?> cli = isolated.loadClass(VerifierCli.class.getName());
      assertEquals(isolated, cli.getClassLoader(), "the CLI must come from the isolated loader");
      Method run =
          cli.getDeclaredMethod("run", String[].class, PrintStream.class, PrintStream.class);
      run.setAccessible(true);
      String[] args = {
        "--jwks", jwks.toString(), "--requestor", "REQ-1", "--resource", "urn:resource", token
      };
      exitCode =
          (int)
              run.invoke(
                  null,
                  args,
                  new PrintStream(out, true, StandardCharsets.UTF_8),
                  new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String stdout = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exitCode, stdout + err.toString(StandardCharsets.UTF_8));
    assertTrue(stdout.startsWith("VALID_TOKEN"), stdout);
    assertTrue(stdout.contains("\"tokenId\":\"jti-jar\""), stdout);
  }

  /** A copy of the compiled classes that the verifier jar's shade filter includes, and no other. */
  private Path verifierClasses() throws Exception {
    Matcher execution = EXECUTION.matcher(Files.readString(Path.of("pom.xml")));
    assertTrue(execution.find(), "pom.xml has no media-token-verifier execution");
    List<PathMatcher> includes = new ArrayList<>();
    Matcher include = OUR_INCLUDE.matcher(execution.group(1));
    while (include.find()) {
      includes.add(FileSystems.getDefault().getPathMatcher("glob:" + include.group(1)));
    }
    assertFalse(
        includes.isEmpty(), "the media-token-verifier execution includes none of our classes");
    Path compiled =
        Path.of(VerifierCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path copy = tempDir.resolve("verifier-classes");
    int copied = 0;
    try (Stream<Path> files = Files.walk(compiled)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        Path relative = compiled.relativize(file);
        if (includes.stream().anyMatch(m -> m.matches(relative))) {
          Files.createDirectories(copy.resolve(relative).getParent());
          Files.copy(file, copy.resolve(relative));
          copied++;
        }
      }
    }
    assertTrue(
        copied >= includes.size(),
        "only " + copied + " classes matched " + includes.size() + " includes");
    return copy;
  }
}

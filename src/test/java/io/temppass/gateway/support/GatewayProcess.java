package io.temppass.gateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A gateway in a JVM of its own, started through {@code Main} as in production. */
public final class GatewayProcess {
  private GatewayProcess() {}

  /** {@code java -cp <this test's class path> io.temppass.gateway.Main <args>}. */
  public static ProcessBuilder builder(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.temppass.gateway.Main"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /**
   * Writes {@code <name>.yaml} into {@code dir}, with the test keys beside it as {@code file:}
   * settings, the test hash secret, one basic TempPass integration ({@code
   * apasstest1/TempPass_TEST40}) and the given {@code server}, {@code redis} and {@code throttle}
   * flow mappings. Returns the file, for {@code --config}.
   */
  public static Path config(Path dir, String name, String server, String redis, String throttle)
      throws IOException {
    Path access = Files.writeString(dir.resolve(name + "-access.pem"), AccessTokens.publicKeyPem());
    Path mediaKey =
        Files.writeString(dir.resolve(name + "-media.key"), TestGateway.MEDIA_KEY.privateKeyPem());
    Path mediaPub =
        Files.writeString(dir.resolve(name + "-media.pub"), TestGateway.MEDIA_KEY.publicKeyPem());
    return Files.writeString(
        dir.resolve(name + ".yaml"),
        String.join(
            "\n",
            "server: " + server,
            "redis: " + redis,
            "accessTokens: {issuer: "
                + AccessTokens.ISSUER
                + ", publicKeys: [\"file:"
                + access
                + "\"]}",
            "mediaTokens: {keys: [{kid: k1, privateKey: \"file:"
                + mediaKey
                + "\", publicKey: \"file:"
                + mediaPub
                + "\", active: true}]}",
            "identity: {hashSecret: " + TestGateway.HASH_SECRET + "}",
            "throttle: " + throttle,
            "integrations: [{serviceProvider: apasstest1, mvpd: TempPass_TEST40, type: temppass-basic, ttl: 1h}]",
            ""));
  }
}

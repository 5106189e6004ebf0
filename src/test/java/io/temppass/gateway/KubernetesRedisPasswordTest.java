package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.temppass.gateway.support.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-cluster Redis of {@code k8s/redis-cluster} requires the password the gateway signs in
 * with: both come from the same key of the gateway's Secret ({@code redis-password}), the gateway
 * as {@code TEMPPASS_REDIS__PASSWORD=file:<Secret mount>/redis-password}, the Redis pods and the
 * cluster-create Job as {@code REDISCLI_AUTH}. The StatefulSet's start-up script is run with a real
 * {@code redis-server}: it must end in a server that refuses PING without the password and answers
 * it with. Caught breakage: a key renamed on one side only, or a script that starts Redis without
 * its password.
 */
class KubernetesRedisPasswordTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String KEY = "redis-password";

  @TempDir Path dir;

  @Test
  void the_gateway_and_the_redis_pods_use_the_same_secret_key() throws Exception {
    JsonNode gatewayPod =
        YAML.readTree(Path.of("k8s/base/deployment.yaml").toFile()).path("spec").path("template");
    String secretName = "";
    for (JsonNode v : gatewayPod.path("spec").path("volumes"))
      if (v.path("name").asText().equals("secrets"))
        secretName = v.path("secret").path("secretName").asText();
    String mount = "";
    JsonNode gateway = gatewayPod.path("spec").path("containers").get(0);
    for (JsonNode m : gateway.path("volumeMounts"))
      if (m.path("name").asText().equals("secrets")) mount = m.path("mountPath").asText();
    assertEquals("file:" + mount + "/" + KEY, env(gateway, "TEMPPASS_REDIS__PASSWORD").asText());

    for (String file :
        List.of(
            "k8s/redis-cluster/statefulset.yaml", "k8s/redis-cluster/cluster-create-job.yaml")) {
      JsonNode container =
          YAML.readTree(Path.of(file).toFile())
              .path("spec")
              .path("template")
              .path("spec")
              .path("containers")
              .get(0);
      JsonNode ref = env(container, "REDISCLI_AUTH").path("valueFrom").path("secretKeyRef");
      assertEquals(secretName, ref.path("name").asText(), file);
      assertEquals(KEY, ref.path("key").asText(), file);
    }
    JsonNode template =
        YAML.readTree(Path.of("k8s/base/secret-template.yaml").toFile()).path("stringData");
    assertTrue(template.has(KEY), "secret-template.yaml lists " + KEY);
  }

  /**
   * The StatefulSet's start-up script, run on a real redis-server with the Secret's password in
   * {@code REDISCLI_AUTH}: the server comes up (its log says it is ready and PING with the password
   * answers PONG) and a PING without the password is refused with {@code NOAUTH}. Caught breakage:
   * a script that drops {@code --requirepass}; and, in the test itself, a refusal that was only a
   * server that never started (a connection refused is not PONG either).
   */
  @Test
  void the_redis_start_up_script_requires_the_password() throws Exception {
    JsonNode redis =
        YAML.readTree(Path.of("k8s/redis-cluster/statefulset.yaml").toFile())
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .get(0);
    List<String> command = new ArrayList<>();
    redis.path("command").forEach(c -> command.add(c.asText()));
    assertEquals("redis-server", redis.path("args").get(0).asText(), "\"$0\" of the script");
    String password = "0123456789abcdef0123456789abcdef";
    int port = TestRedis.freePort();
    // The pod's own arguments need its volume and DNS name; the script is what is under test.
    command.addAll(
        List.of("/usr/bin/redis-server", "--port", Integer.toString(port), "--save", ""));
    command.addAll(List.of("--bind", "127.0.0.1", "--dir", dir.toString()));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile());
    builder.environment().put("REDISCLI_AUTH", password);
    Process server = builder.start();
    try {
      long deadline = System.currentTimeMillis() + 20_000;
      while (!Files.readString(dir.resolve("redis.log")).contains("Ready to accept")
          && server.isAlive()
          && System.currentTimeMillis() < deadline) Thread.sleep(20);
      String log = Files.readString(dir.resolve("redis.log"));
      assertTrue(
          server.isAlive() && log.contains("Ready to accept"), "redis-server started:\n" + log);
      String withPassword = ping(port, password);
      assertTrue(withPassword.contains("PONG"), "PING with the Secret's password: " + withPassword);
      String without = ping(port, null);
      assertTrue(without.contains("NOAUTH"), "PING without the password is refused: " + without);
    } finally {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly().waitFor();
    }
  }

  /** PING as the readiness probe sends it: redis-cli with REDISCLI_AUTH when given. */
  private String ping(int port, String password) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("redis-cli", "-p", Integer.toString(port), "ping")
            .redirectErrorStream(true);
    builder.environment().remove("REDISCLI_AUTH");
    if (password != null) builder.environment().put("REDISCLI_AUTH", password);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  private static JsonNode env(JsonNode container, String name) {
    for (JsonNode e : container.path("env"))
      if (e.path("name").asText().equals(name))
        return e.path("value").isMissingNode() ? e : e.path("value");
    throw new AssertionError("no " + name + " in the env of " + container.path("name").asText());
  }
}

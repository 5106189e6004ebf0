package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.temppass.gateway.support.GatewayProcess;
import io.temppass.gateway.support.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Production quick start", run as written: its shell blocks (keys and secrets, a TLS
 * Redis with a password, the first decision) with bash and openssl, its YAML block as the
 * configuration, and the gateway through {@code Main} as its step 4 runs the jar; only the ports
 * 6380 and 8080 are swapped for free ones. Caught breakage: a quick start that no longer works (a
 * renamed setting, a key format the gateway refuses, a token it does not accept, TLS or the
 * password file not reaching Redis).
 */
class ProductionQuickStartTest {
  private static final Pattern BLOCK = Pattern.compile("```(sh|yaml)\n(.*?)```", Pattern.DOTALL);
  private static final String JAR = "java -jar target/temppass-gateway.jar";

  @TempDir Path dir;

  @Test
  void the_readme_quick_start_reaches_a_first_decision() throws Exception {
    List<String> blocks = blocks();
    assertEquals(5, blocks.size(), "keys, Redis, configuration, start, decision: " + blocks);
    String redisPort = Integer.toString(TestRedis.freePort());
    String gatewayPort = Integer.toString(TestRedis.freePort());

    String keys = blocks.get(0);
    assertTrue(keys.startsWith("mvn -q -DskipTests package\n"), keys);
    bash(keys.substring(keys.indexOf('\n') + 1));
    Process gateway = null;
    try {
      bash(blocks.get(1).replace("6380", redisPort));
      Path config =
          Files.writeString(
              dir.resolve("gateway.yaml"),
              blocks.get(2).replace("6380", redisPort).replace("8080", gatewayPort));

      String start = blocks.get(3);
      assertTrue(
          start.contains(JAR + " --check-config --check-redis --config gateway.yaml\n")
              && start.contains(JAR + " --config gateway.yaml &\n"),
          start);
      Process check =
          GatewayProcess.builder("--check-config", "--check-redis", "--config", config.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      String checked = new String(check.getInputStream().readAllBytes());
      assertTrue(check.waitFor(90, TimeUnit.SECONDS));
      assertEquals(0, check.exitValue(), checked);

      Path log = dir.resolve("gateway.log");
      gateway =
          GatewayProcess.builder("--config", config.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      String ready = "";
      long deadline = System.currentTimeMillis() + 90_000;
      while (!ready.contains("\"outcome\":\"UP\"") && System.currentTimeMillis() < deadline) {
        if (!gateway.isAlive()) fail("the gateway exited: " + Files.readString(log));
        Thread.sleep(200);
        ready = bashOutput("curl -s http://127.0.0.1:" + gatewayPort + "/health/ready || true");
      }
      assertTrue(ready.contains("\"outcome\":\"UP\""), ready + "\n" + Files.readString(log));

      String decision = bashOutput(blocks.get(4).replace("8080", gatewayPort));
      assertTrue(
          decision.contains("\"source\":\"temppass\",\"authorized\":true"),
          decision + "\n" + Files.readString(log));
    } finally {
      if (gateway != null) {
        gateway.destroy();
        if (!gateway.waitFor(30, TimeUnit.SECONDS)) gateway.destroyForcibly().waitFor();
      }
      Path pid = dir.resolve("secrets/redis.pid");
      if (Files.exists(pid)) {
        bash("kill \"$(cat secrets/redis.pid)\" || true");
        // Redis removes its pid file last on the way out; the directory can be deleted after that.
        long deadline = System.currentTimeMillis() + 30_000;
        while (Files.exists(pid) && System.currentTimeMillis() < deadline) Thread.sleep(50);
      }
    }
  }

  /** The fenced blocks of the section, in order. */
  private static List<String> blocks() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int from = readme.indexOf("\n## Production quick start\n");
    assertTrue(from >= 0, "README has a Production quick start");
    int to = readme.indexOf("\n## ", from + 1);
    Matcher m = BLOCK.matcher(readme.substring(from, to < 0 ? readme.length() : to));
    List<String> out = new ArrayList<>();
    while (m.find()) out.add(m.group(2));
    return out;
  }

  private void bash(String script) throws Exception {
    bashOutput(script);
  }

  private String bashOutput(String script) throws Exception {
    Process p =
        new ProcessBuilder("bash", "-euo", "pipefail", "-c", script)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("did not finish: " + script);
    }
    assertEquals(0, p.exitValue(), script + "\n" + out);
    return out;
  }
}

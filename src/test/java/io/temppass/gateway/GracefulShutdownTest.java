package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.AccessTokens;
import io.temppass.gateway.support.Api;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a real gateway process under load: readiness fails at once, every request sent before
 * the signal gets a complete response, and the process exits within its grace period.
 */
class GracefulShutdownTest {

  @Test
  void sigterm_during_load_completes_every_request_sent_before_it(@TempDir Path dir) throws Exception {
    Path access = Files.writeString(dir.resolve("access.pem"), AccessTokens.publicKeyPem());
    Path mediaKey = Files.writeString(dir.resolve("media.key"), TestGateway.MEDIA_KEY.privateKeyPem());
    Path mediaPub = Files.writeString(dir.resolve("media.pub"), TestGateway.MEDIA_KEY.publicKeyPem());
    int port = TestRedis.freePort();
    Path config = Files.writeString(dir.resolve("gateway.yaml"), String.join("\n",
        "server: {host: 127.0.0.1, port: " + port + ", shutdownReadinessDelay: 1s, shutdownGracePeriod: 5s}",
        "redis: {endpoints: [" + TestRedis.url() + "], keyPrefix: sig" + port + "}",
        "accessTokens: {issuer: " + AccessTokens.ISSUER + ", publicKeys: [\"file:" + access + "\"]}",
        "mediaTokens: {keys: [{kid: k1, privateKey: \"file:" + mediaKey + "\", publicKey: \"file:" + mediaPub + "\", active: true}]}",
        "identity: {hashSecret: " + TestGateway.HASH_SECRET + "}",
        "throttle: {enabled: false}",
        "integrations: [{serviceProvider: apasstest1, mvpd: TempPass_TEST40, type: temppass-basic, ttl: 1h}]", ""));
    Process gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.temppass.gateway.Main", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("gateway.log").toFile()).start();
    Vertx vertx = Vertx.vertx();
    try {
      Api api = new Api(vertx, port, 16);
      long deadline = System.currentTimeMillis() + 30_000;
      while (!ready(api) && System.currentTimeMillis() < deadline) Thread.sleep(100);
      assertTrue(ready(api), "gateway did not become ready: " + Files.readString(dir.resolve("gateway.log")));

      List<long[]> sent = new ArrayList<>();
      List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
      long signalAt = 0;
      long stopAt = System.nanoTime() + 2_500_000_000L;
      for (int i = 0; System.nanoTime() < stopAt; i++) {
        if (signalAt == 0 && i == 200) {
          signalAt = System.nanoTime();
          gateway.destroy(); // SIGTERM
        }
        sent.add(new long[] {System.nanoTime()});
        // A request written after the server stopped reading a kept-alive connection gets no answer
        // until that connection is closed; the client timeout bounds it (such requests may fail).
        answers.add(api.decisions("apasstest1", "TempPass_TEST40", "sig-" + i).timeout(8_000).sendJsonObject(Api.body("REF30")));
        if (i % 16 == 15) settled(answers.subList(answers.size() - 16, answers.size()), 15);
      }
      settled(answers, 30);
      assertTrue(gateway.waitFor(10, TimeUnit.SECONDS), "process exited within its grace period");

      int before = 0;
      for (int i = 0; i < answers.size(); i++) {
        if (sent.get(i)[0] >= signalAt) continue;
        before++;
        Future<HttpResponse<Buffer>> f = answers.get(i);
        assertTrue(f.succeeded(), "request " + i + " sent before SIGTERM failed: " + f.cause());
        assertEquals(200, f.result().statusCode());
        assertTrue(f.result().bodyAsJsonObject().getJsonArray("decisions").getJsonObject(0).getBoolean("authorized"));
      }
      assertEquals(200, before);
      String log = Files.readString(dir.resolve("gateway.log"));
      assertTrue(log.contains("shutting down"), log);
    } finally {
      gateway.destroyForcibly();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Waits until every answer is in, failed ones included (requests after the signal may be refused). */
  private static void settled(List<Future<HttpResponse<Buffer>>> answers, int seconds) throws Exception {
    Future.join(new ArrayList<>(answers)).transform(ar -> Future.succeededFuture()).await(seconds, TimeUnit.SECONDS);
  }

  private static boolean ready(Api api) {
    try {
      return api.get("/health/ready").await(2, TimeUnit.SECONDS).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }
}

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The work floor: the least a server must do to answer the benchmark's decisions
 * (load-tests/bench/gateway.lua), on bare Vert.x, so that the gateway's cost can be read as a ratio
 * of it. Per request it does the necessary work and nothing else:
 *
 * <ul>
 *   <li>the gateway's own throttle script (lua/throttle.lua, 1 request/s, burst 10) keyed by the
 *       client address in X-Forwarded-For;
 *   <li>the gateway's own TempPass scripts: basic_authorize.lua for TempPassBasic; promo_bind.lua
 *       then promo_authorize.lua for TempPassPromo; none for the degraded and dummy mvpds;
 *   <li>one ES256 signature per permitted resource (compact JWS, then Base64, as the gateway's
 *       serializedToken), with Corretto when its native code loads, else the JDK's provider;
 *   <li>a JSON answer with one decision per resource.
 * </ul>
 *
 * No access-token check, identity hashing, metrics, logs or event bus; keys carry the raw device
 * and identity. The scripts are read from the gateway's jar, so the Redis work is exactly the
 * gateway's. Run from the repository root after {@code mvn -q -DskipTests package}:
 *
 * <pre>
 * java -Dredis=redis://127.0.0.1:6379 -Dport=8092 \
 *      -cp target/temppass-gateway.jar load-tests/floor/WorkFloor.java
 * </pre>
 *
 * Properties: {@code redis} (URL), {@code port}, {@code pool} (Redis connections per verticle,
 * default 32 as the gateway's redis.poolSize), {@code throttle} ({@code off} skips the throttle
 * script, as THROTTLE=off turns the gateway's off), {@code prefix} (key prefix, default floor).
 */
public class WorkFloor extends VerticleBase {
  private static final long TTL_MS = 3_600_000; // bench.yaml: ttl 1h
  private static final long LOCKOUT_MS = 30L * 24 * 3_600_000; // lockoutRetention default 30d
  private static final String MAX_RESOURCES = "5";
  private static final String JWS_HEADER = b64url("{\"alg\":\"ES256\",\"kid\":\"floor\"}");

  private static String throttleSha;
  private static String basicSha;
  private static String bindSha;
  private static String promoSha;
  private static KeyPair key;
  private static Provider provider;

  private final String prefix = System.getProperty("prefix", "floor");
  private final boolean throttle = !"off".equals(System.getProperty("throttle"));
  private RedisAPI redis;
  private Signature signature;

  @Override
  public Future<?> start() throws Exception {
    signature =
        provider == null
            ? Signature.getInstance("SHA256withECDSA")
            : Signature.getInstance("SHA256withECDSA", provider);
    redis =
        RedisAPI.api(
            Redis.createClient(
                vertx,
                new RedisOptions()
                    .setConnectionString(System.getProperty("redis", "redis://127.0.0.1:6379"))
                    .setMaxPoolSize(Integer.getInteger("pool", 32))
                    .setMaxPoolWaiting(2048)));
    return vertx
        .createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> decide(req, body)))
        .listen(Integer.getInteger("port", 8092));
  }

  private void decide(HttpServerRequest req, Buffer body) {
    String path = req.path();
    String mvpd = path.substring(path.lastIndexOf('/') + 1);
    JsonArray resources;
    try {
      resources = body.toJsonObject().getJsonArray("resources");
    } catch (RuntimeException e) {
      resources = null;
    }
    if (resources == null || resources.isEmpty()) {
      req.response().setStatusCode(400).end();
      return;
    }
    String device = req.getHeader("AP-Device-Identifier");
    JsonArray items = resources;
    Future<Boolean> allowed =
        throttle
            ? script(throttleSha, prefix + ":t:{" + req.getHeader("X-Forwarded-For") + "}")
                .add("1000")
                .add("10000")
                .run()
                .map(reply -> reply.get(0).toInteger() == 1)
            : Future.succeededFuture(true);
    allowed
        .compose(ok -> ok ? tempPass(mvpd, device, req, items) : Future.succeededFuture(null))
        .onComplete(
            ar -> {
              if (ar.failed()) req.response().setStatusCode(500).end();
              else if (ar.result() == null) req.response().setStatusCode(429).end();
              else answer(req, mvpd, device, items, ar.result());
            });
  }

  /** Per resource, whether it is permitted. */
  private Future<boolean[]> tempPass(
      String mvpd, String device, HttpServerRequest req, JsonArray resources) {
    int n = resources.size();
    switch (mvpd) {
      case "TempPassBasic":
        return script(basicSha, prefix + ":b:{" + mvpd + ":0:" + device + "}")
            .add(Long.toString(TTL_MS))
            .add(Long.toString(LOCKOUT_MS))
            .add("1")
            .add("0")
            .add("0")
            .run()
            .map(reply -> filled(n, reply.get(0).toInteger() == 1));
      case "TempPassPromo":
        String identity = req.getHeader("AP-TempPass-Identity");
        String nonce = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
        return script(bindSha, prefix + ":p:{" + mvpd + ":0:d:" + device + "}")
            .add(String.valueOf(identity))
            .add(Long.toString(TTL_MS + LOCKOUT_MS + 86_400_000))
            .add("1")
            .add(nonce)
            .add("")
            .run()
            .compose(
                binding -> {
                  String[] owner = binding.toString().split(" ");
                  Call call =
                      script(promoSha, prefix + ":p:{" + mvpd + ":0:i:" + owner[0] + "}")
                          .key(prefix + ":r:{" + mvpd + ":0:i:" + owner[0] + "}")
                          .add(Long.toString(TTL_MS))
                          .add(Long.toString(LOCKOUT_MS))
                          .add(MAX_RESOURCES)
                          .add("1")
                          .add("0")
                          .add("0")
                          .add(owner.length > 1 ? owner[1] : "-");
                  // The gateway sends a digest of each resource and its first characters: here
                  // the resource itself stands for both.
                  for (int i = 0; i < n; i++)
                    call.add(resources.getString(i)).add(resources.getString(i));
                  return call.run();
                })
            .map(
                reply -> {
                  boolean[] permitted = new boolean[n];
                  for (int i = 0; i < n; i++) permitted[i] = reply.get(5 + i).toInteger() == 1;
                  return permitted;
                });
      default:
        return Future.succeededFuture(filled(n, true));
    }
  }

  private void answer(
      HttpServerRequest req, String mvpd, String device, JsonArray resources, boolean[] permitted) {
    long now = System.currentTimeMillis();
    JsonArray decisions = new JsonArray();
    for (int i = 0; i < resources.size(); i++) {
      String resource = resources.getString(i);
      JsonObject decision =
          new JsonObject()
              .put("resource", resource)
              .put("mvpd", mvpd)
              .put("authorized", permitted[i]);
      if (permitted[i]) {
        decision.put(
            "token",
            new JsonObject()
                .put("notBefore", now)
                .put("notAfter", now + 420_000)
                .put("serializedToken", token(resource, mvpd, device, now)));
      }
      decisions.add(decision);
    }
    req.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("decisions", decisions).toBuffer());
  }

  private String token(String resource, String mvpd, String device, long now) {
    String claims =
        new JsonObject()
            .put("resource", resource)
            .put("mvpd", mvpd)
            .put("device", device)
            .put("iat", now / 1000)
            .put("exp", now / 1000 + 420)
            .encode();
    String signingInput = JWS_HEADER + "." + b64url(claims);
    try {
      signature.initSign(key.getPrivate());
      signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      String jws =
          signingInput
              + "."
              + Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(rawSignature(signature.sign()));
      return Base64.getEncoder().encodeToString(jws.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** ASN.1 DER {@code SEQUENCE {INTEGER r, INTEGER s}} to JWS's 64-byte {@code r || s}. */
  private static byte[] rawSignature(byte[] der) {
    byte[] raw = new byte[64];
    int at = der[1] == (byte) 0x81 ? 3 : 2;
    for (int half = 0; half < 2; half++) {
      int length = der[at + 1];
      byte[] value =
          new BigInteger(1, java.util.Arrays.copyOfRange(der, at + 2, at + 2 + length))
              .toByteArray();
      int copy = Math.min(value.length, 32);
      System.arraycopy(value, value.length - copy, raw, half * 32 + 32 - copy, copy);
      at += 2 + length;
    }
    return raw;
  }

  private static boolean[] filled(int n, boolean value) {
    boolean[] out = new boolean[n];
    java.util.Arrays.fill(out, value);
    return out;
  }

  private static String b64url(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private Call script(String sha, String key) {
    return new Call(sha).key(key);
  }

  /** One EVALSHA: keys first, then arguments. */
  private final class Call {
    private final List<String> keys = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final String sha;

    Call(String sha) {
      this.sha = sha;
    }

    Call key(String key) {
      keys.add(key);
      return this;
    }

    Call add(String arg) {
      args.add(arg);
      return this;
    }

    Future<Response> run() {
      List<String> command = new ArrayList<>(2 + keys.size() + args.size());
      command.add(sha);
      command.add(Integer.toString(keys.size()));
      command.addAll(keys);
      command.addAll(args);
      return redis.evalsha(command);
    }
  }

  /** Corretto when its native code loads here, else null (the JDK's choice). */
  private static Provider fastest() {
    try {
      Class<?> type =
          Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
      Provider corretto = (Provider) type.getField("INSTANCE").get(null);
      return type.getMethod("getLoadingError").invoke(corretto) == null ? corretto : null;
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  private static String load(RedisAPI redis, String name) throws Exception {
    try (InputStream in = WorkFloor.class.getClassLoader().getResourceAsStream("lua/" + name)) {
      if (in == null) throw new IllegalStateException("lua/" + name + " is not on the class path");
      String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return redis
          .script(List.of("LOAD", source))
          .toCompletionStage()
          .toCompletableFuture()
          .get()
          .toString();
    }
  }

  public static void main(String[] args) throws Exception {
    provider = fastest();
    KeyPairGenerator generator =
        provider == null
            ? KeyPairGenerator.getInstance("EC")
            : KeyPairGenerator.getInstance("EC", provider);
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    key = generator.generateKeyPair();
    Vertx vertx = Vertx.vertx();
    RedisAPI setup =
        RedisAPI.api(
            Redis.createClient(vertx, System.getProperty("redis", "redis://127.0.0.1:6379")));
    throttleSha = load(setup, "throttle.lua");
    basicSha = load(setup, "basic_authorize.lua");
    bindSha = load(setup, "promo_bind.lua");
    promoSha = load(setup, "promo_authorize.lua");
    int instances = Runtime.getRuntime().availableProcessors();
    vertx
        .deployVerticle(WorkFloor::new, new DeploymentOptions().setInstances(instances))
        .onSuccess(
            id ->
                System.out.println(
                    "work floor on port "
                        + Integer.getInteger("port", 8092)
                        + ", "
                        + instances
                        + " verticles, signing with "
                        + (provider == null ? "the JDK's default provider" : provider.getName())))
        .onFailure(
            e -> {
              e.printStackTrace();
              System.exit(1);
            });
  }
}

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator: requests leave on a fixed timetable whatever the server's latency,
 * and each one's latency is measured from its <em>scheduled</em> start, so time spent waiting for a
 * free connection or behind a late slot counts (no coordinated omission). It sends the benchmark
 * mix of {@code bench/gateway.lua} (the same devices, identities, client addresses and resources),
 * on Vert.x's HTTP client, and records in HdrHistogram (both come with the gateway's jar):
 *
 * <pre>
 *   java -cp target/temppass-gateway.jar load-tests/open/OpenLoop.java \
 *       URL RATE DURATION_S CONNECTIONS [WARMUP_S]
 * </pre>
 *
 * <p>Environment as gateway.lua: {@code TOKEN} (required), {@code DEVICES} (200000), {@code SP}
 * (bench), {@code BENCH_NAME}. Prints one {@code RESULT} line in stats.lua's format (so run.sh
 * reads it the same way) with the late slots added: {@code late_1ms} and {@code late_5ms} count
 * requests that left more than 1 ms / 5 ms after their slot (all connections busy: raise
 * CONNECTIONS to rate x p99.9 latency), and {@code p9999_ms}. A warm-up (default 0 s) runs on the
 * same timetable and is not recorded.
 */
public class OpenLoop {
  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: OpenLoop URL RATE DURATION_S CONNECTIONS [WARMUP_S]");
      System.exit(2);
    }
    URI base = URI.create(args[0]);
    double rate = Double.parseDouble(args[1]);
    double seconds = Double.parseDouble(args[2]);
    int connections = Integer.parseInt(args[3]);
    double warmUp = args.length > 4 ? Double.parseDouble(args[4]) : 0;
    String token = System.getenv("TOKEN");
    if (token == null || token.isEmpty()) throw new IllegalArgumentException("set TOKEN");
    Mix mix =
        new Mix(
            Integer.parseInt(System.getenv().getOrDefault("DEVICES", "200000")),
            System.getenv().getOrDefault("SP", "bench"),
            token);

    Vertx vertx = Vertx.vertx();
    HttpClient client =
        vertx
            .httpClientBuilder()
            .with(
                new HttpClientOptions()
                    .setDefaultHost(base.getHost())
                    .setDefaultPort(base.getPort())
                    .setKeepAlive(true)
                    .setConnectTimeout(5_000))
            .with(new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1))
            .build();

    long interval = (long) (1e9 / rate);
    long warmUpRequests = (long) (warmUp * rate);
    long total = warmUpRequests + (long) (seconds * rate);
    Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    Map<Integer, Long> statuses = new TreeMap<>();
    AtomicLong late1 = new AtomicLong();
    AtomicLong late5 = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch((int) total);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    long[] measuredStart = {start + warmUpRequests * interval};
    // One event loop sends and receives everything: the timetable is kept by this thread alone.
    io.vertx.core.Context loop = vertx.getOrCreateContext();
    for (long i = 0; i < total; i++) {
      long slot = start + i * interval;
      long wait;
      while ((wait = slot - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
      boolean measured = i >= warmUpRequests;
      long seq = i;
      loop.runOnContext(
          v -> {
            Mix.Request r = mix.request(seq);
            client
                .request(new RequestOptions().setMethod(HttpMethod.POST).setURI(r.path()))
                .compose(
                    req -> {
                      long left = System.nanoTime() - slot;
                      if (measured && left > 1_000_000) late1.incrementAndGet();
                      if (measured && left > 5_000_000) late5.incrementAndGet();
                      r.headers().forEach(req::putHeader);
                      return req.send(Buffer.buffer(r.body()))
                          .compose(resp -> resp.body().map(b -> resp.statusCode()));
                    })
                .onComplete(
                    ar -> {
                      long now = System.nanoTime();
                      if (measured) {
                        synchronized (latency) {
                          latency.recordValue(
                              Math.min(now - slot, latency.getHighestTrackableValue()));
                          if (ar.succeeded()) statuses.merge(ar.result(), 1L, Long::sum);
                          else errors.incrementAndGet();
                        }
                      }
                      done.countDown();
                    });
          });
    }
    long scheduledEnd = start + total * interval;
    boolean finished = done.await(60, TimeUnit.SECONDS);
    double duration = (Math.max(System.nanoTime(), scheduledEnd) - measuredStart[0]) / 1e9;
    long requests;
    long non2xx = 0;
    long s429;
    long s5xx = 0;
    StringBuilder codes = new StringBuilder();
    synchronized (latency) {
      requests = latency.getTotalCount();
      for (Map.Entry<Integer, Long> e : statuses.entrySet()) {
        if (e.getKey() / 100 != 2) non2xx += e.getValue();
        if (e.getKey() >= 500) s5xx += e.getValue();
        if (codes.length() > 0) codes.append(',');
        codes.append(e.getKey()).append(':').append(e.getValue());
      }
      s429 = statuses.getOrDefault(429, 0L);
    }
    System.out.printf(
        "RESULT target=%s requests=%d duration_s=%.2f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f"
            + " p999_ms=%.3f max_ms=%.3f non2xx=%d s429=%d s5xx=%d socket_errors=%d timeouts=%d"
            + " statuses=%s scheduled_rps=%.1f late_1ms=%d late_5ms=%d p9999_ms=%.3f"
            + " unfinished=%d%n",
        System.getenv().getOrDefault("BENCH_NAME", "open-loop"),
        requests,
        duration,
        requests / duration,
        ms(latency.getValueAtPercentile(50)),
        ms(latency.getValueAtPercentile(90)),
        ms(latency.getValueAtPercentile(99)),
        ms(latency.getValueAtPercentile(99.9)),
        ms(latency.getMaxValue()),
        non2xx,
        s429,
        s5xx,
        errors.get(),
        finished ? 0 : done.getCount(),
        codes,
        rate,
        late1.get(),
        late5.get(),
        ms(latency.getValueAtPercentile(99.99)),
        done.getCount());
    vertx.close().await(10, TimeUnit.SECONDS);
    System.exit(0);
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** The request mix of bench/gateway.lua, request for request. */
  static final class Mix {
    record Request(String path, Map<String, String> headers, String body) {}

    private static final String[] MVPD = {
      "TempPassBasic", "TempPassPromo", "DegradedMvpd", "DummyMvpd"
    };
    private final int devices;
    private final String sp;
    private final String bearer;

    Mix(int devices, String sp, String token) {
      this.devices = devices;
      this.sp = sp;
      this.bearer = "Bearer " + token;
    }

    static String b64(String s) {
      return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    Request request(long seq) {
      int d = (int) (seq % devices);
      long visit = seq / devices;
      int slot = d % 20;
      int kind = slot < 8 ? 0 : slot < 15 ? 1 : slot < 18 ? 2 : 3;
      Map<String, String> headers = new TreeMap<>();
      headers.put("Authorization", bearer);
      headers.put("Content-Type", "application/json");
      headers.put("Accept", "application/json");
      headers.put("AP-Device-Identifier", "fingerprint " + b64(String.format("dev%06d", d)));
      if (kind == 1)
        headers.put(
            "AP-TempPass-Identity", b64(String.format("{\"email\":\"bu%06d@bench.example\"}", d)));
      headers.put("X-Forwarded-For", "10." + d / 65536 + "." + (d / 256) % 256 + "." + d % 256);
      // gateway.lua's multiplicative hash, in Lua's double arithmetic
      long mixed = (long) Math.floor(d * 2654435761.0 / 65536);
      int countSlot = (int) ((mixed + visit) % 20);
      int n = countSlot < 12 ? 1 : countSlot < 17 ? 2 : 3;
      int base = d % 1000;
      StringBuilder body = new StringBuilder("{\"resources\":[");
      for (int j = 0; j < n; j++) {
        if (j > 0) body.append(',');
        body.append("\"title-").append((base + (visit + j) % 5) % 1000).append('"');
      }
      body.append("]}");
      return new Request(
          "/api/v2/" + sp + "/decisions/authorize/" + MVPD[kind], headers, body.toString());
    }
  }
}

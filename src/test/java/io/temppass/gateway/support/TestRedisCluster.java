package io.temppass.gateway.support;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis Cluster on localhost for tests, so cluster behaviour (MOVED redirects, hash tags,
 * failover) is exercised against genuine redis-server processes rather than a mock or a container.
 *
 * <p>The redis-server binary comes from the embedded-redis artifact. embedded-redis's own {@code
 * RedisShardedCluster} needs Jedis (not on our classpath) and offers no failover control, so the
 * cluster is formed here with plain CLUSTER commands over a minimal blocking RESP client. Every
 * node runs from its own directory under one temp dir, which {@link #close()} removes; a JVM
 * shutdown hook stops the processes if a test forgets to close.
 *
 * <p>All methods block (they poll the nodes), so call them from the test thread, never from a
 * Vert.x event loop.
 */
public final class TestRedisCluster implements AutoCloseable {
  /** The number of hash slots in every Redis Cluster. */
  public static final int SLOTS = 16384;

  private static final String HOST = "127.0.0.1";
  private static final Duration START_DEADLINE = Duration.ofSeconds(20);
  private static final Duration FAILOVER_DEADLINE = Duration.ofSeconds(30);
  private static final long POLL_MILLIS = 50;
  private static final int LOG_LINES_KEPT = 40;

  /** One cluster node as the cluster knows it: its port on 127.0.0.1 and its cluster node id. */
  public record Node(int port, String id) {
    /** The node as a Vert.x Redis connection string. */
    public String endpoint() {
      return "redis://" + HOST + ":" + port;
    }
  }

  /** A contiguous slot range as reported by CLUSTER SLOTS. */
  private record SlotRange(int start, int end, Node primary, List<Node> replicas) {
    @Override
    public String toString() {
      return start
          + "-"
          + end
          + ":"
          + primary.port()
          + replicas.stream()
              .map(r -> String.valueOf(r.port()))
              .sorted()
              .collect(Collectors.joining(",", "[", "]"));
    }
  }

  /** A started redis-server process and the output it printed lately (for failure messages). */
  private static final class Member {
    final int port;
    final Deque<String> log = new ArrayDeque<>();
    RedisServer server;
    String id;
    volatile boolean alive = true;

    Member(int port) {
      this.port = port;
    }

    void record(String line) {
      synchronized (log) {
        if (log.size() == LOG_LINES_KEPT) log.removeFirst();
        log.addLast(line);
      }
    }

    String tail() {
      synchronized (log) {
        return String.join("\n", log);
      }
    }

    Node node() {
      return new Node(port, id);
    }
  }

  private final Path root;
  private final List<Member> members = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook =
      new Thread(this::stopAllAndDelete, "TestRedisCluster-cleanup");

  private TestRedisCluster(Path root) {
    this.root = root;
  }

  /**
   * Starts {@code primaries} primaries with {@code replicasPerPrimary} replicas each, spreads the
   * 16384 slots evenly over the primaries (primary {@code i} owns slots {@code [i*16384/n,
   * (i+1)*16384/n)}), and returns once every node reports {@code cluster_state:ok}, all nodes agree
   * on that slot map and every replica's link to its primary is up.
   */
  public static TestRedisCluster start(int primaries, int replicasPerPrimary) {
    if (primaries < 1 || replicasPerPrimary < 0)
      throw new IllegalArgumentException("need at least one primary");
    TestRedisCluster cluster;
    try {
      cluster = new TestRedisCluster(Files.createTempDirectory("temppass-redis-cluster-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    try {
      cluster.form(primaries, replicasPerPrimary);
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** Seed endpoints for a Vert.x cluster client: the current primaries. */
  public synchronized List<String> endpoints() {
    return primaries().stream().map(Node::endpoint).toList();
  }

  /** The current primaries (as CLUSTER SLOTS reports them), ordered by the first slot they own. */
  public synchronized List<Node> primaries() {
    List<Node> result = new ArrayList<>();
    for (SlotRange r : slotMap()) {
      if (!result.contains(r.primary())) result.add(r.primary());
    }
    return result;
  }

  /** The healthy replicas of {@code primary} (as CLUSTER SLOTS reports them), ordered by port. */
  public synchronized List<Node> replicasOf(Node primary) {
    return slotMap().stream()
        .filter(r -> r.primary().equals(primary))
        .flatMap(r -> r.replicas().stream())
        .distinct()
        .sorted(Comparator.comparingInt(Node::port))
        .toList();
  }

  /** The primary that currently serves {@code key}, honouring a {@code {hashtag}}. */
  public synchronized Node primaryFor(String key) {
    int slot = slot(key);
    return slotMap().stream()
        .filter(r -> r.start() <= slot && slot <= r.end())
        .findFirst()
        .map(SlotRange::primary)
        .orElseThrow(() -> new IllegalStateException("no primary serves slot " + slot));
  }

  /**
   * Kills {@code primary}'s process outright (no shutdown, like a crash), waits until one of its
   * replicas has been promoted and every surviving node reports {@code cluster_state:ok} with the
   * same slot map, and returns the new primary.
   */
  public synchronized Node killPrimary(Node primary) {
    List<SlotRange> before = slotMap();
    if (before.stream().noneMatch(r -> r.primary().equals(primary))) {
      throw new IllegalArgumentException(primary + " is not a primary");
    }
    List<Node> formerReplicas = replicasOf(primary);
    if (formerReplicas.isEmpty())
      throw new IllegalStateException(primary + " has no replica to fail over to");
    stop(member(primary.port()));
    return awaitFailover(primary, formerReplicas, before);
  }

  /**
   * Sends one command to {@code node} on a fresh connection; the reply as strings, longs and lists.
   */
  public Object command(Node node, Object... args) {
    return call(node.port(), args);
  }

  /** Every key on {@code node} that matches {@code pattern}, by SCAN (test data sets are small). */
  public List<String> scan(Node node, String pattern) {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      List<?> reply = (List<?>) call(node.port(), "SCAN", cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = (String) reply.get(0);
      for (Object k : (List<?>) reply.get(1)) keys.add((String) k);
    } while (!cursor.equals("0"));
    return keys;
  }

  /**
   * Waits until every replica of {@code primary} has confirmed the primary's whole replication
   * stream.
   */
  public synchronized void awaitReplicasCaughtUp(Node primary) {
    new Deadline(FAILOVER_DEADLINE)
        .await(
            "replicas of " + primary + " to catch up",
            () -> {
              Map<String, String> replication = info(primary.port(), "replication");
              String offset = replication.get("master_repl_offset");
              int replicas = Integer.parseInt(replication.getOrDefault("connected_slaves", "0"));
              if (replicas == 0) return "no replica connected";
              for (int i = 0; i < replicas; i++) {
                String slave = replication.getOrDefault("slave" + i, "");
                if (!slave.contains("state=online") || !slave.contains("offset=" + offset + ","))
                  return "slave" + i + " " + slave + " vs " + offset;
              }
              return null;
            });
  }

  /** Stops every node and deletes the temp dir; safe to call more than once. */
  @Override
  public void close() {
    stopAllAndDelete();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run; nothing left to unregister
    }
  }

  /**
   * The cluster hash slot of {@code key}: CRC16 (XMODEM) of the key, or of its first non-empty
   * {@code {hashtag}}, mod 16384 — the same rule Redis and the Vert.x client apply.
   */
  public static int slot(String key) {
    byte[] bytes = key.getBytes(UTF_8);
    int from = 0;
    int to = bytes.length;
    int open = indexOf(bytes, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(bytes, (byte) '}', open + 1);
      if (close > open + 1) {
        from = open + 1;
        to = close;
      }
    }
    return crc16(bytes, from, to) % SLOTS;
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) return i;
    }
    return -1;
  }

  private static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc ^= (bytes[i] & 0xff) << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      crc &= 0xffff;
    }
    return crc;
  }

  private void form(int primaryCount, int replicasPerPrimary) {
    ExecutableProvider binary = extractBinaryOnce();
    int total = primaryCount * (1 + replicasPerPrimary);
    for (int i = 0; i < total; i++) members.add(launch(binary));
    List<Member> primaries = members.subList(0, primaryCount);
    for (Member m : members) m.id = (String) call(m.port, "CLUSTER", "MYID");

    for (int i = 0; i < primaryCount; i++) {
      Member p = primaries.get(i);
      List<Object> addSlots = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
      for (int s = firstSlot(i, primaryCount); s < firstSlot(i + 1, primaryCount); s++)
        addSlots.add(s);
      call(p.port, addSlots.toArray());
      // Distinct epochs up front, as redis-cli does, so nodes need not resolve collisions first.
      call(p.port, "CLUSTER", "SET-CONFIG-EPOCH", i + 1);
    }
    Member first = members.get(0);
    for (Member m : members.subList(1, total)) call(m.port, "CLUSTER", "MEET", HOST, first.port);

    Map<Member, Member> replicaToPrimary = new LinkedHashMap<>();
    for (int i = 0; i < primaryCount; i++) {
      for (int r = 0; r < replicasPerPrimary; r++) {
        replicaToPrimary.put(
            members.get(primaryCount + i * replicasPerPrimary + r), primaries.get(i));
      }
    }
    Deadline deadline = new Deadline(START_DEADLINE);
    for (Map.Entry<Member, Member> e : replicaToPrimary.entrySet()) {
      Member replica = e.getKey();
      String primaryId = e.getValue().id;
      deadline.await(
          "replica " + replica.port + " to attach to " + e.getValue().port,
          () -> {
            if (!((String) call(replica.port, "CLUSTER", "NODES")).contains(primaryId))
              return "primary not known yet";
            try {
              call(replica.port, "CLUSTER", "REPLICATE", primaryId);
              return null;
            } catch (RedisException notReadyYet) {
              return notReadyYet.getMessage();
            }
          });
    }

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < primaryCount; i++) {
      Member p = primaries.get(i);
      List<Node> replicas =
          replicaToPrimary.entrySet().stream()
              .filter(e -> e.getValue() == p)
              .map(e -> e.getKey().node())
              .toList();
      int start = firstSlot(i, primaryCount);
      int end = firstSlot(i + 1, primaryCount) - 1;
      expected.add(new SlotRange(start, end, p.node(), replicas).toString());
    }
    deadline.await(
        "cluster to form",
        () ->
            healthProblem(
                map ->
                    map.stream().map(SlotRange::toString).toList().equals(expected)
                        ? null
                        : "slot map " + map));
  }

  private static int firstSlot(int primaryIndex, int primaryCount) {
    return (int) ((long) SLOTS * primaryIndex / primaryCount);
  }

  /** Waits until a former replica is master and every live node maps {@code dead}'s slots to it. */
  private Node awaitFailover(Node dead, List<Node> formerReplicas, List<SlotRange> before) {
    Node[] promoted = new Node[1];
    new Deadline(FAILOVER_DEADLINE)
        .await(
            "failover of " + dead,
            () -> {
              promoted[0] = null;
              for (Node r : formerReplicas) {
                if ("master".equals(info(r.port(), "replication").get("role"))) promoted[0] = r;
              }
              if (promoted[0] == null)
                return "no former replica of " + dead.port() + " is master yet";
              Node successor = promoted[0];
              List<String> owners =
                  before.stream()
                      .map(
                          r ->
                              r.start()
                                  + "-"
                                  + r.end()
                                  + ":"
                                  + (r.primary().equals(dead) ? successor : r.primary()).port())
                      .toList();
              return healthProblem(
                  map ->
                      map.stream()
                              .map(r -> r.start() + "-" + r.end() + ":" + r.primary().port())
                              .toList()
                              .equals(owners)
                          ? null
                          : "slot map " + map);
            });
    return promoted[0];
  }

  /**
   * Null when every live node reports {@code cluster_state:ok}, all live nodes report the same slot
   * map, {@code acceptMap} accepts it, and every live replica's link to its primary is up;
   * otherwise what is still wrong.
   */
  private String healthProblem(Function<List<SlotRange>, String> acceptMap) {
    List<SlotRange> agreed = null;
    for (Member m : members) {
      if (!m.alive) continue;
      String state = parseInfo((String) call(m.port, "CLUSTER", "INFO")).get("cluster_state");
      if (!"ok".equals(state)) return "node " + m.port + " cluster_state:" + state;
      List<SlotRange> map = slotMap(m.port);
      if (agreed == null) {
        agreed = map;
        String problem = acceptMap.apply(map);
        if (problem != null) return "node " + m.port + " " + problem;
      } else if (!agreed.equals(map)) {
        return "node " + m.port + " sees " + map + " but another node sees " + agreed;
      }
      Map<String, String> replication = info(m.port, "replication");
      if ("slave".equals(replication.get("role"))
          && !"up".equals(replication.get("master_link_status"))) {
        return "replica " + m.port + " master_link_status:" + replication.get("master_link_status");
      }
    }
    return agreed == null ? "no live node" : null;
  }

  private ExecutableProvider extractBinaryOnce() {
    try {
      File exe =
          ExecutableProvider.newJarResourceProvider(
                  Files.createDirectories(root.resolve("bin")).toFile())
              .get();
      return () -> exe;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts one node on a fresh free port, retrying with another port if one was taken meanwhile.
   */
  private Member launch(ExecutableProvider binary) {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freeClusterPort();
      try {
        // One dir per node: a full resync writes dump.rdb into dir, and nodes sharing one would
        // collide.
        Path dir = Files.createDirectories(root.resolve("node-" + port));
        Member member = new Member(port);
        member.server =
            RedisServer.newRedisServer()
                .executableProvider(binary)
                .port(port)
                .bind(HOST)
                .setting("dir " + dir.toAbsolutePath())
                .setting("cluster-enabled yes")
                .setting("cluster-config-file nodes-" + port + ".conf")
                .setting("cluster-node-timeout 1000")
                // A replica may always take over, however long it was cut off: tests want a
                // failover, not a stall.
                .setting("cluster-replica-validity-factor 0")
                .setting("save \"\"")
                .setting("appendonly no")
                // SIGKILL: killPrimary means a crash, and nothing here needs a clean shutdown.
                .onShutdownForceStop(true)
                // The output must be drained or a chatty node blocks on a full pipe; the tail helps
                // diagnose timeouts.
                .soutListener(member::record)
                .serrListener(member::record)
                .build();
        member.server.start();
        return member;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new UncheckedIOException("could not start a redis-server cluster node", last);
  }

  /**
   * A free port whose cluster bus port (port + 10000, fixed in Redis 6.2) is free and valid too.
   */
  private int freeClusterPort() {
    Set<Integer> taken = members.stream().map(m -> m.port).collect(Collectors.toSet());
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket s = new ServerSocket(0)) {
        int port = s.getLocalPort();
        if (port + 10000 > 65535
            || taken.contains(port)
            || taken.contains(port + 10000)
            || taken.contains(port - 10000)) {
          continue;
        }
        try (ServerSocket bus = new ServerSocket(port + 10000)) {
          return port;
        } catch (IOException busTaken) {
          // try another port
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free port pair (port, port + 10000) found");
  }

  private Member member(int port) {
    return members.stream()
        .filter(m -> m.port == port)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node on port " + port));
  }

  private static void stop(Member m) {
    m.alive = false;
    try {
      m.server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void stopAllAndDelete() {
    if (!closed.compareAndSet(false, true)) return;
    for (Member m : members) {
      try {
        stop(m);
      } catch (RuntimeException ignored) {
        // keep stopping the others
      }
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: the temp dir is all that is left
    }
  }

  /** The slot map according to the first live node. */
  private List<SlotRange> slotMap() {
    if (closed.get()) throw new IllegalStateException("cluster closed");
    Member live =
        members.stream()
            .filter(m -> m.alive)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no live node"));
    return slotMap(live.port);
  }

  private static List<SlotRange> slotMap(int port) {
    List<SlotRange> ranges = new ArrayList<>();
    for (Object o : (List<?>) call(port, "CLUSTER", "SLOTS")) {
      List<?> entry = (List<?>) o;
      List<Node> nodes = new ArrayList<>();
      for (Object n : entry.subList(2, entry.size())) {
        List<?> node = (List<?>) n;
        nodes.add(new Node(((Long) node.get(1)).intValue(), (String) node.get(2)));
      }
      ranges.add(
          new SlotRange(
              ((Long) entry.get(0)).intValue(),
              ((Long) entry.get(1)).intValue(),
              nodes.get(0),
              nodes.subList(1, nodes.size()).stream()
                  .sorted(Comparator.comparingInt(Node::port))
                  .toList()));
    }
    ranges.sort(Comparator.comparingInt(SlotRange::start));
    return ranges;
  }

  private static Map<String, String> info(int port, String section) {
    return parseInfo((String) call(port, "INFO", section));
  }

  private static Map<String, String> parseInfo(String text) {
    Map<String, String> fields = new HashMap<>();
    for (String line : text.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && !line.startsWith("#"))
        fields.put(line.substring(0, colon), line.substring(colon + 1));
    }
    return fields;
  }

  /**
   * Polls a condition (null = satisfied, otherwise what is still wrong) until it holds or time runs
   * out.
   */
  private final class Deadline {
    private final long end;
    private final Duration limit;

    Deadline(Duration limit) {
      this.limit = limit;
      this.end = System.nanoTime() + limit.toNanos();
    }

    void await(String what, Supplier<String> problem) {
      String last;
      while (true) {
        try {
          last = problem.get();
        } catch (UncheckedIOException | RedisException e) {
          last = e.toString();
        }
        if (last == null) return;
        if (System.nanoTime() > end) break;
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted waiting for " + what, e);
        }
      }
      StringBuilder message =
          new StringBuilder("timed out after " + limit.toSeconds() + "s waiting for ")
              .append(what)
              .append(": ")
              .append(last);
      for (Member m : members) {
        message
            .append("\n--- node ")
            .append(m.port)
            .append(m.alive ? "" : " (stopped)")
            .append(" ---\n")
            .append(m.tail());
      }
      throw new IllegalStateException(message.toString());
    }
  }

  /** An error reply from Redis. */
  private static final class RedisException extends RuntimeException {
    RedisException(String message) {
      super(message);
    }
  }

  /**
   * Sends one command on a fresh connection: cheap on localhost, and a killed node just refuses.
   */
  static Object call(int port, Object... args) {
    try (Resp resp = new Resp(port)) {
      return resp.call(args);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "127.0.0.1:" + port + " " + args[0] + " " + (args.length > 1 ? args[1] : ""), e);
    }
  }

  /**
   * The few bits of RESP2 needed to drive a cluster: send an array of bulk strings, read any reply.
   */
  private static final class Resp implements Closeable {
    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;

    Resp(int port) throws IOException {
      try {
        socket.connect(new InetSocketAddress(HOST, port), 1000);
        socket.setSoTimeout(5000);
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream());
      } catch (IOException e) {
        socket.close();
        throw e;
      }
    }

    Object call(Object... args) throws IOException {
      out.write(("*" + args.length + "\r\n").getBytes(UTF_8));
      for (Object a : args) {
        byte[] bytes = String.valueOf(a).getBytes(UTF_8);
        out.write(("$" + bytes.length + "\r\n").getBytes(UTF_8));
        out.write(bytes);
        out.write("\r\n".getBytes(UTF_8));
      }
      out.flush();
      return read();
    }

    private Object read() throws IOException {
      int type = in.read();
      if (type == -1) throw new EOFException();
      String line = readLine();
      switch (type) {
        case '+':
          return line;
        case '-':
          throw new RedisException(line);
        case ':':
          return Long.parseLong(line);
        case '$':
          {
            int length = Integer.parseInt(line);
            if (length < 0) return null;
            byte[] bytes = in.readNBytes(length + 2);
            if (bytes.length != length + 2) throw new EOFException();
            return new String(bytes, 0, length, UTF_8);
          }
        case '*':
          {
            int count = Integer.parseInt(line);
            if (count < 0) return null;
            List<Object> items = new ArrayList<>(count);
            for (int i = 0; i < count; i++) items.add(read());
            return items;
          }
        default:
          throw new IOException("unexpected RESP type " + (char) type);
      }
    }

    private String readLine() throws IOException {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != '\r') {
        if (c == -1) throw new EOFException();
        line.append((char) c);
      }
      if (in.read() != '\n') throw new IOException("malformed RESP line");
      return line.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}

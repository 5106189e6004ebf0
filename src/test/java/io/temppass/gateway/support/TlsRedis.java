package io.temppass.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} serving TLS only, with a password, for the tests of {@code rediss://}
 * endpoints. The binary is Debian's {@code redis-server} (7.x, built with TLS; {@code .ci/run}
 * installs it): the 6.2 binary of the embedded-redis artifact is built without TLS. The
 * certificates are made with {@code openssl} for each test run, in a directory of the test's own: a
 * CA, a server certificate for {@code localhost} and {@code 127.0.0.1}, one for another host name
 * only, a second CA that signs nothing the server shows, and a client certificate.
 */
public final class TlsRedis implements AutoCloseable {
  public static final String PASSWORD = "tls-test-pw-7f3a9c";

  /** The files a TLS test needs, all PEM. */
  public record Pki(
      Path dir,
      Path ca,
      Path serverCert,
      Path serverKey,
      Path otherHostCert,
      Path otherHostKey,
      Path otherCa,
      Path clientCert,
      Path clientKey) {

    /** Creates every file under {@code dir} with openssl. */
    public static Pki create(Path dir) {
      Pki pki =
          new Pki(
              dir,
              dir.resolve("ca.crt"),
              dir.resolve("server.crt"),
              dir.resolve("server.key"),
              dir.resolve("other-host.crt"),
              dir.resolve("other-host.key"),
              dir.resolve("other-ca.crt"),
              dir.resolve("client.crt"),
              dir.resolve("client.key"));
      pki.ca("ca", "temppass test CA");
      pki.ca("other-ca", "temppass untrusted CA");
      pki.leaf("server", "localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
      pki.leaf("other-host", "redis.other.example", "subjectAltName=DNS:redis.other.example");
      pki.leaf("client", "temppass-gateway", "extendedKeyUsage=clientAuth");
      return pki;
    }

    private void ca(String name, String subject) {
      openssl(
          dir,
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-keyout",
          name + ".key",
          "-out",
          name + ".crt",
          "-days",
          "2",
          "-subj",
          "/CN=" + subject,
          "-addext",
          "basicConstraints=critical,CA:TRUE",
          "-addext",
          "keyUsage=critical,keyCertSign,cRLSign");
    }

    private void leaf(String name, String commonName, String extension) {
      openssl(
          dir,
          "req",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-keyout",
          name + ".key",
          "-out",
          name + ".csr",
          "-subj",
          "/CN=" + commonName);
      try {
        Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      openssl(
          dir,
          "x509",
          "-req",
          "-in",
          name + ".csr",
          "-CA",
          "ca.crt",
          "-CAkey",
          "ca.key",
          "-set_serial",
          Long.toString(System.nanoTime() & Long.MAX_VALUE),
          "-days",
          "2",
          "-out",
          name + ".crt",
          "-extfile",
          name + ".ext");
    }
  }

  private final Process process;
  private final int port;
  private final Path log;

  private TlsRedis(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * A TLS-only server on a free port of 127.0.0.1 showing {@code cert}, requiring {@link #PASSWORD}
   * and, with {@code clientCertificates}, a client certificate signed by the test CA.
   */
  public static TlsRedis start(Pki pki, Path cert, Path key, boolean clientCertificates)
      throws IOException, InterruptedException {
    return start(pki, cert, key, clientCertificates, List.of("--dir", pki.dir().toString()));
  }

  private static TlsRedis start(
      Pki pki, Path cert, Path key, boolean clientCertificates, List<String> extra)
      throws IOException, InterruptedException {
    int port = TestRedis.freePort();
    Path log = Files.createTempFile(pki.dir(), "redis-" + port, ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                binary(),
                "--port",
                "0",
                "--tls-port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--tls-cert-file",
                cert.toString(),
                "--tls-key-file",
                key.toString(),
                "--tls-ca-cert-file",
                pki.ca().toString(),
                "--tls-auth-clients",
                clientCertificates ? "yes" : "no",
                "--requirepass",
                PASSWORD,
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                ""));
    command.addAll(extra);
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    TlsRedis redis = new TlsRedis(process, port, log);
    long deadline = System.currentTimeMillis() + 20_000;
    while (!Files.readString(log).contains("Ready to accept connections")) {
      if (!process.isAlive() || System.currentTimeMillis() > deadline) {
        redis.close();
        throw new IllegalStateException("redis-server did not start:\n" + Files.readString(log));
      }
      Thread.sleep(20);
    }
    return redis;
  }

  /**
   * A TLS-only Redis Cluster of {@code primaries} nodes (no replicas) on 127.0.0.1, password {@link
   * #PASSWORD}, the cluster bus over TLS too, formed with {@code redis-cli --cluster create} and
   * returned once every node reports {@code cluster_state:ok}.
   */
  public static List<TlsRedis> cluster(Pki pki, int primaries)
      throws IOException, InterruptedException {
    List<TlsRedis> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < primaries; i++) {
        Path node = Files.createTempDirectory(pki.dir(), "node");
        nodes.add(
            start(
                pki,
                pki.serverCert(),
                pki.serverKey(),
                false,
                List.of(
                    "--cluster-enabled",
                    "yes",
                    "--cluster-port",
                    Integer.toString(TestRedis.freePort()),
                    "--cluster-config-file",
                    node.resolve("nodes.conf").toString(),
                    "--dir",
                    node.toString(),
                    "--tls-cluster",
                    "yes",
                    "--tls-replication",
                    "yes",
                    "--masterauth",
                    PASSWORD)));
      }
      List<String> create =
          new ArrayList<>(List.of("--tls", "--cacert", pki.ca().toString(), "--cluster", "create"));
      for (TlsRedis n : nodes) create.add("127.0.0.1:" + n.port());
      create.add("--cluster-yes");
      cli(create);
      long deadline = System.currentTimeMillis() + 30_000;
      for (TlsRedis n : nodes) {
        List<String> info =
            List.of(
                "--tls",
                "--cacert",
                pki.ca().toString(),
                "-p",
                Integer.toString(n.port()),
                "cluster",
                "info");
        while (!cli(info).contains("cluster_state:ok")) {
          if (System.currentTimeMillis() > deadline)
            throw new IllegalStateException("the TLS cluster did not form: " + cli(info));
          Thread.sleep(50);
        }
      }
      return nodes;
    } catch (IOException | InterruptedException | RuntimeException e) {
      for (TlsRedis n : nodes) n.close();
      throw e;
    }
  }

  /** redis-cli (Debian's, beside the server) with the password in its environment. */
  private static String cli(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(binary()).resolveSibling("redis-cli").toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("REDISCLI_AUTH", PASSWORD);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0)
      throw new IllegalStateException("redis-cli " + args + " failed:\n" + out);
    return out;
  }

  public int port() {
    return port;
  }

  /** {@code rediss://host:port}, the password left to the caller. */
  public String url(String host) {
    return "rediss://" + host + ":" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
  }

  /**
   * Debian's redis-server ({@code REDIS_TLS_SERVER} names another one); fails with what to install
   * rather than skipping, so that a machine without it cannot pass the TLS tests silently.
   */
  static String binary() {
    String configured = System.getenv("REDIS_TLS_SERVER");
    String binary = configured != null ? configured : "/usr/bin/redis-server";
    if (!Files.isExecutable(Path.of(binary)))
      throw new IllegalStateException(
          binary
              + " not found: the TLS tests need a redis-server built with TLS"
              + " (Debian: apt-get install redis-server; .ci/run installs it)");
    return binary;
  }

  private static void openssl(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(dir, "openssl", ".log");
      Process p =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0)
        throw new IllegalStateException(
            "openssl " + String.join(" ", args) + " failed:\n" + Files.readString(out));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

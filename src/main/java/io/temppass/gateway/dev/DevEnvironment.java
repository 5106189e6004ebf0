package io.temppass.gateway.dev;

import io.temppass.gateway.pem.Pem;
import io.temppass.gateway.xml.SigningCredential;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import redis.embedded.RedisServer;

/**
 * What {@code mode: development} adds so the gateway runs on a machine with only a JDK and Maven: a
 * real Redis server from the embedded-redis binaries, a throw-away RSA key with a development
 * access token signed by it, and a reference MVPD ({@link ReferenceMvpd}) that every regular
 * integration with a {@code login} signs in with, so the whole regular-MVPD path works locally.
 * Production configuration refuses the first two (see GatewayConfig) and never starts the third.
 */
public final class DevEnvironment {
  private static final System.Logger LOG = System.getLogger(DevEnvironment.class.getName());

  private RedisServer redis;
  private String accessToken;
  private Vertx mvpdVertx;
  private ReferenceMvpd mvpd;
  private Vertx appVertx;

  /**
   * Adjusts the raw configuration tree before it is validated. A value of the wrong shape is left
   * as it is, for the binder to report with the setting's name.
   */
  public void prepare(JsonObject tree) throws IOException {
    JsonObject redisConf = section(tree, "redis");
    if (redisConf != null
        && "true".equalsIgnoreCase(String.valueOf(redisConf.getValue("embedded")))
        && unset(redisConf.getValue("endpoints"))) {
      int port = freePort();
      List<String> command =
          RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("save \"\"")
              .setting("appendonly no")
              .buildCommandArgs();
      redis = new RedisServer(port, inOwnSession(command), false);
      redis.start();
      redisConf.put("endpoints", new JsonArray().add("redis://127.0.0.1:" + port));
      tree.put("redis", redisConf);
      LOG.log(
          System.Logger.Level.WARNING,
          "development: started an embedded Redis on 127.0.0.1:" + port);
    }
    JsonObject access = section(tree, "accessTokens");
    if (access != null && unset(access.getValue("publicKeys"))) {
      KeyPair pair = rsa();
      access.put(
          "publicKeys",
          new JsonArray().add(Pem.encode(Pem.PUBLIC_KEY, pair.getPublic().getEncoded())));
      tree.put("accessTokens", access);
      accessToken =
          sign(
              Pem.encode(Pem.PRIVATE_KEY, pair.getPrivate().getEncoded()),
              access.getValue("issuer") instanceof String issuer ? issuer : "auth.adobe.com",
              access.getValue("requiredScope") instanceof String scope ? scope : "api:client:v2");
      LOG.log(System.Logger.Level.WARNING, "development: generated a throw-away access-token key");
    }
    referenceMvpd(tree);
  }

  /**
   * Starts the reference MVPD (on the port after the gateway's when free) and points every regular
   * integration that has a {@code login} at it; the gateway's port is fixed first, because the MVPD
   * redirects browsers back to {@code sessions.publicUrl}. A fresh key seals profiles: a restart of
   * development mode signs everyone out, as the reference MVPD forgets its tokens anyway.
   */
  private void referenceMvpd(JsonObject tree) throws IOException {
    if (!(tree.getValue("integrations") instanceof JsonArray integrations)) return;
    boolean wanted = false;
    for (Object item : integrations) {
      if (item instanceof JsonObject integration
          && integration.containsKey("login")
          && "regular".equalsIgnoreCase(String.valueOf(integration.getValue("type", "regular"))))
        wanted = true;
    }
    JsonObject server = section(tree, "server");
    if (!wanted || server == null) return;
    Object portValue = server.getValue("port", 8080);
    String portText =
        portValue instanceof Integer || portValue instanceof Long || portValue instanceof String
            ? String.valueOf(portValue)
            : "";
    // Anything but a whole number of 0–65535 is left for the binder to name.
    if (!portText.matches("\\d{1,5}") || Integer.parseInt(portText) > 65_535) return;
    tree.put("server", server);
    int port = Integer.parseInt(portText);
    if (port == 0) {
      port = freePort();
      server.put("port", port);
    }
    String host = "127.0.0.1";
    int mvpdPort = portFreeOrAny(port + 1);
    mvpdVertx = Vertx.vertx();
    try {
      mvpd =
          ReferenceMvpd.start(
                  mvpdVertx, ReferenceMvpd.Options.defaults().withListen(host, mvpdPort))
              .await(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("the reference MVPD did not start: " + e.getMessage(), e);
    }
    ReferenceMvpd.Options o = mvpd.options();
    addXacmlReference(integrations);
    addSamlReference(integrations);
    SigningCredential gatewayXacmlKey = null;
    SigningCredential spKey = null;
    for (Object item : integrations) {
      if (!(item instanceof JsonObject integration) || !integration.containsKey("login")) continue;
      JsonObject attributeClaims =
          new JsonObject()
              .put("householdID", "householdID")
              .put("zip", "zip")
              .put("maxRating", "maxRating");
      boolean saml =
          integration.getValue("login") instanceof JsonObject login
              && "saml".equalsIgnoreCase(String.valueOf(login.getValue("type")));
      if (saml) {
        if (spKey == null) spKey = SigningCredential.generate("temppass-gateway-dev-sp");
        integration.put(
            "login",
            new JsonObject()
                .put("type", "saml")
                .put(
                    "saml",
                    new JsonObject()
                        .put("metadataUrl", mvpd.samlMetadataUrl())
                        .put("privateKey", spKey.privateKeyPem())
                        .put("certificate", spKey.certificatePem()))
                .put("attributeClaims", attributeClaims));
      } else {
        integration.put(
            "login",
            new JsonObject()
                .put("issuer", mvpd.issuer())
                .put("clientId", o.clientId())
                .put("clientSecret", o.clientSecret())
                .put("attributeClaims", attributeClaims));
      }
      JsonObject authorization = section(integration, "authorization");
      if (authorization != null && "xacml".equals(authorization.getValue("type"))) {
        // Signed both ways, as a real MVPD would have it: the gateway signs its queries with a
        // generated key the reference PDP trusts, and trusts the PDP's generated certificate.
        if (gatewayXacmlKey == null) {
          gatewayXacmlKey = SigningCredential.generate("temppass-gateway-dev-xacml");
          mvpd.requireSignedXacmlQueries(gatewayXacmlKey.certificate());
        }
        integration.put(
            "authorization",
            authorization
                .put("url", mvpd.xacmlEndpoint())
                .put("signingKey", gatewayXacmlKey.privateKeyPem())
                .put("signingCertificate", gatewayXacmlKey.certificatePem())
                .put("signed", true)
                .put("certificates", new JsonArray().add(mvpd.xacmlCertificatePem())));
      } else if (authorization != null)
        integration.put(
            "authorization",
            authorization.put(
                "url", saml ? mvpd.samlAuthorizationEndpoint() : mvpd.authorizationEndpoint()));
    }
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    JsonObject sessions = section(tree, "sessions");
    if (sessions != null)
      tree.put(
          "sessions",
          sessions
              .put("publicUrl", "http://" + host + ":" + port)
              .put("encryptionKey", Base64.getEncoder().encodeToString(key)));
    LOG.log(
        System.Logger.Level.WARNING,
        "development: started the reference MVPD, issuer " + mvpd.issuer());
  }

  /** The second demo MVPD of development mode: SAML sign-in with the reference IdP. */
  static final String SAML_REFERENCE = "SAMLReference";

  /**
   * Adds {@code <sp>/SAMLReference} beside the first regular integration with a login of each
   * service provider that has none yet: the way real MVPDs speak to Adobe Pass, sign-in with the
   * reference MVPD's SAML IdP and decisions by XACML from its PDP (the same rules), signed both
   * ways.
   */
  private static void addSamlReference(JsonArray integrations) {
    java.util.Set<String> providers = new java.util.LinkedHashSet<>();
    java.util.Set<String> haveSaml = new java.util.HashSet<>();
    for (Object item : integrations) {
      if (!(item instanceof JsonObject integration)) continue;
      String sp = String.valueOf(integration.getValue("serviceProvider"));
      if (SAML_REFERENCE.equals(integration.getValue("mvpd"))) haveSaml.add(sp);
      if (integration.containsKey("login")
          && "regular".equalsIgnoreCase(String.valueOf(integration.getValue("type", "regular"))))
        providers.add(sp);
    }
    for (String sp : providers) {
      if (haveSaml.contains(sp)) continue;
      integrations.add(
          new JsonObject()
              .put("serviceProvider", sp)
              .put("mvpd", SAML_REFERENCE)
              .put("displayName", "SAML Reference MVPD")
              .put("type", "regular")
              .put("login", new JsonObject().put("type", "saml"))
              .put("authorization", new JsonObject().put("type", "xacml")));
    }
  }

  /**
   * Beside {@code REF30/Cablevision} (JSON authorization), {@code REF30/XacmlReference}: the same
   * reference sign-in, with decisions asked by XACML over SOAP (multi-resource preauthorization
   * included). Any other regular integration with a login and {@code authorization.type: xacml} is
   * wired to the reference PDP the same way.
   */
  private static void addXacmlReference(JsonArray integrations) {
    boolean cablevision = false;
    for (Object item : integrations) {
      if (!(item instanceof JsonObject i)) continue;
      if ("REF30".equals(i.getValue("serviceProvider"))
          && "XacmlReference".equals(i.getValue("mvpd"))) return;
      if ("REF30".equals(i.getValue("serviceProvider"))
          && "Cablevision".equals(i.getValue("mvpd"))
          && i.containsKey("login")) cablevision = true;
    }
    if (!cablevision) return;
    integrations.add(
        new JsonObject()
            .put("serviceProvider", "REF30")
            .put("mvpd", "XacmlReference")
            .put("displayName", "Reference MVPD (XACML)")
            .put("type", "regular")
            .put("login", new JsonObject())
            .put(
                "authorization",
                new JsonObject().put("type", "xacml").put("multipleResources", true)));
  }

  /**
   * The Redis command run through {@code setsid} where there is one (util-linux, so Linux): in a
   * session of its own, the server no longer receives the signal a terminal's Ctrl-C (or a
   * supervisor's stop) sends to the gateway's whole process group, so it stops after the gateway,
   * from {@link #stop()}, instead of at once while the gateway still drains and its control-plane
   * poll meets "Connection refused". Without {@code setsid} (macOS) the command is unchanged. A
   * gateway that exits otherwise still stops it: embedded-redis adds a JVM shutdown hook.
   */
  static List<String> inOwnSession(List<String> command) {
    String path = System.getenv("PATH");
    if (path == null) return command;
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "setsid"))) {
        List<String> wrapped = new ArrayList<>();
        // The bare name: embedded-redis runs the process in the directory of the command's first
        // word when it has one, and /usr/bin is no working directory for a server.
        wrapped.add("setsid");
        wrapped.addAll(command);
        return wrapped;
      }
    }
    return command;
  }

  /**
   * {@code key}'s mapping in {@code parent} (a new one when absent), or null when not a mapping.
   */
  private static JsonObject section(JsonObject parent, String key) {
    Object value = parent.getValue(key);
    if (value == null) return new JsonObject();
    return value instanceof JsonObject mapping ? mapping : null;
  }

  /** No value, an empty list or a blank string. */
  private static boolean unset(Object value) {
    return value == null
        || (value instanceof JsonArray list && list.isEmpty())
        || (value instanceof String text && text.isBlank());
  }

  /**
   * Serves the reference app ({@link ReferenceApp}) on {@code 127.0.0.1}, on the port two after the
   * gateway's when free (any free port when it is taken, even between the check and the listen),
   * with the development app's statement; returns the page's address.
   */
  public String startReferenceApp(int gatewayPort, String softwareStatement) throws Exception {
    String host = "127.0.0.1";
    String api = "http://" + host + ":" + gatewayPort;
    appVertx = Vertx.vertx();
    ReferenceApp app =
        ReferenceApp.start(appVertx, host, portFreeOrAny(gatewayPort + 2), api, softwareStatement)
            .recover(taken -> ReferenceApp.start(appVertx, host, 0, api, softwareStatement))
            .await(30, java.util.concurrent.TimeUnit.SECONDS);
    return app.url(host);
  }

  /** The reference MVPD, or null when no integration signs in. */
  public ReferenceMvpd mvpd() {
    return mvpd;
  }

  /** The development access token, or null when the configuration brought its own keys. */
  public String accessToken() {
    return accessToken;
  }

  /**
   * Stops what development mode started, in dependency order: called once the gateway, which uses
   * both, has stopped; the reference app and MVPD first, the Redis last.
   */
  public void stop() {
    close(appVertx, "reference app");
    close(mvpdVertx, "reference MVPD");
    if (redis != null) {
      try {
        redis.stop();
      } catch (IOException e) {
        LOG.log(
            System.Logger.Level.WARNING, "embedded Redis did not stop cleanly: " + e.getMessage());
      }
    }
  }

  private static void close(Vertx vertx, String what) {
    if (vertx == null) return;
    try {
      vertx.close().await(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, what + " did not stop cleanly: " + e.getMessage());
    }
  }

  private static String sign(String privatePem, String issuer, String scope) {
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth jwt =
          JWTAuth.create(
              vertx,
              new JWTAuthOptions()
                  .addPubSecKey(
                      new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePem)));
      return jwt.generateToken(
          new JsonObject().put("sub", UUID.randomUUID().toString()).put("scopes", scope),
          new JWTOptions().setAlgorithm("RS256").setIssuer(issuer).setExpiresInSeconds(24 * 3600));
    } finally {
      vertx.close();
    }
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int portFreeOrAny(int preferred) throws IOException {
    if (preferred > 0 && preferred <= 65535) {
      try (ServerSocket s =
          new ServerSocket(preferred, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // fall through to any free port
      }
    }
    return freePort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}

package io.temppass.gateway.http;

import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.config.IntegrationConfig.Degradation;
import io.temppass.gateway.control.ControlPlane;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator console: one page of plain HTML and JavaScript ({@code src/main/resources/console/})
 * that the management verticle serves on {@code server.managementPort}, never on the public port.
 * The page itself is public there (it holds nothing); everything it shows or changes comes from
 * calls that need an admin token: the admin API, mounted beside it on the same port, and this
 * module's two reads ({@link #SESSION_PATH}, {@link #INTEGRATIONS_PATH}). Live rates are read from
 * {@code /metrics} on the same port. The operator's token stays in the page (sessionStorage); the
 * page loads nothing from anywhere else, and its Content-Security-Policy says so.
 */
final class ConsoleRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ConsoleRoutes.class);

  static final String PREFIX = "/console";
  static final String SESSION_PATH = "/console/api/session";
  static final String INTEGRATIONS_PATH = "/console/api/integrations";

  /**
   * Scripts, styles and calls from this origin only; no inline script or style, no frame, no form
   * posted anywhere, no {@code <base>}: an injected string can neither run nor send the token away.
   */
  static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** Read when the class loads: a jar without the page fails at start-up, not on a request. */
  private static final Buffer PAGE = resource("console/index.html");

  private static final Buffer SCRIPT = resource("console/console.js");
  private static final Buffer STYLE = resource("console/console.css");

  private final GatewayConfig config;
  private final ControlPlane control;
  private final HttpErrors errors;
  private final AccessTokenSteps tokens;
  private final boolean applications;

  /** {@code applications}: whether Dynamic Client Registration is on (the Applications screen). */
  ConsoleRoutes(
      GatewayConfig config,
      ControlPlane control,
      boolean applications,
      HttpErrors errors,
      AccessTokenSteps tokens) {
    this.config = config;
    this.control = control;
    this.applications = applications;
    this.errors = errors;
    this.tokens = tokens;
  }

  void mount(Router router) {
    // vertx-web matches "/console" and "/console/" alike; the page's relative links need the slash.
    errors
        .endpoint(router, PREFIX, "console", HttpMethod.GET)
        .handler(
            ctx -> {
              if (ctx.request().path().endsWith("/")) file(ctx, "text/html;charset=UTF-8", PAGE);
              else ctx.redirect(PREFIX + "/");
            });
    errors
        .endpoint(router, PREFIX + "/console.js", "console", HttpMethod.GET)
        .handler(ctx -> file(ctx, "text/javascript;charset=UTF-8", SCRIPT));
    errors
        .endpoint(router, PREFIX + "/console.css", "console", HttpMethod.GET)
        .handler(ctx -> file(ctx, "text/css;charset=UTF-8", STYLE));
    errors
        .endpoint(router, SESSION_PATH, "console", HttpMethod.GET)
        .handler(tokens::admin)
        .handler(this::session);
    errors
        .endpoint(router, INTEGRATIONS_PATH, "console", HttpMethod.GET)
        .handler(tokens::admin)
        .handler(this::integrations);
  }

  /**
   * The page's sign-in: the token was verified and carries the admin scope. Logged like every admin
   * call, with the operator's client id, so the log shows who opened the console.
   */
  private void session(RoutingContext ctx) {
    String client = ctx.get(AccessTokenSteps.ADMIN_CLIENT);
    errors.about(ctx, LOG.atInfo()).log("console signed in by admin client {}", client);
    ApiHandler.json(
        ctx,
        new JsonObject()
            .put("clientId", client)
            .put("adminScope", config.admin().requiredScope())
            .put("applications", applications));
  }

  /**
   * The integrations as configured (read-only), each with the degradation rule in force on this
   * process: the run-time one when an operator set one, else the configured one.
   */
  private void integrations(RoutingContext ctx) {
    JsonArray all = new JsonArray();
    for (IntegrationConfig i : config.integrations()) {
      Degradation rule = i.isTempPass() ? null : control.degradation(i);
      JsonObject item =
          new JsonObject()
              .put("serviceProvider", i.serviceProvider())
              .put("mvpd", i.mvpd())
              .put("displayName", i.displayName())
              .put("type", i.type().wireName)
              .put("active", i.active());
      if (i.isTempPass()) {
        item.put("ttl", i.ttl() == null ? null : i.ttl().toString());
        if (i.type() == IntegrationConfig.Type.TEMPPASS_PROMOTIONAL)
          item.put("maxResources", i.maxResources());
      } else {
        item.put("configuredRule", i.degradation() == null ? null : i.degradation().wireName)
            .put("rule", rule == null ? null : rule.wireName)
            .put("signIn", i.hasMvpdLogin());
      }
      all.add(item);
    }
    ApiHandler.json(ctx, new JsonObject().put("integrations", all));
  }

  /**
   * The page's own files: never cached (a new version is picked up at once), never sniffed as
   * anything else, never framed, and allowed nothing but this origin.
   */
  private static void file(RoutingContext ctx, String contentType, Buffer body) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, contentType)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Content-Security-Policy", POLICY)
        .end(body);
  }

  private static Buffer resource(String name) {
    try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException(name + " is not on the class path");
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

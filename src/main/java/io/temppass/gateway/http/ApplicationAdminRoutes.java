package io.temppass.gateway.http;

import io.temppass.gateway.Ids;
import io.temppass.gateway.client.Application;
import io.temppass.gateway.client.ApplicationRequest;
import io.temppass.gateway.client.ClientRegistration;
import io.temppass.gateway.error.ErrorCode;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registered applications' admin API (the TVE Dashboard's part): create one (answered with its
 * first software statement), list them, read one, download a fresh statement, revoke one. Admin
 * tokens only ({@link AccessTokenSteps#admin}); every change is an INFO line naming the application
 * and the admin client, never a statement. Changes reach every process through the control plane's
 * poll, within {@code admin.pollInterval}.
 */
final class ApplicationAdminRoutes extends ApiHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationAdminRoutes.class);
  static final String APPLICATIONS_PATH = "/admin/v1/applications";
  static final String APPLICATION_PATH = "/admin/v1/applications/:id";
  static final String STATEMENT_PATH = "/admin/v1/applications/:id/software-statement";

  private final ClientRegistration clients;
  private final AccessTokenSteps tokens;

  /** {@code clients} is null when the gateway has no statement key: every call is then 404. */
  ApplicationAdminRoutes(Basics basics, ClientRegistration clients, AccessTokenSteps tokens) {
    super(basics);
    this.clients = clients;
    this.tokens = tokens;
  }

  void mount(Router router) {
    router
        .route(APPLICATIONS_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(8192))
        .handler(errors.begin("applications", HttpMethod.GET, HttpMethod.POST))
        .handler(tokens::admin)
        .handler(this::enabled)
        .handler(ctx -> (ctx.request().method() == HttpMethod.GET ? list() : create()).handle(ctx));
    errors
        .endpoint(router, APPLICATION_PATH, "applications", HttpMethod.GET, HttpMethod.DELETE)
        .handler(tokens::admin)
        .handler(this::enabled)
        .handler(this::one);
    errors
        .endpoint(router, STATEMENT_PATH, "applications", HttpMethod.POST)
        .handler(tokens::admin)
        .handler(this::enabled)
        .handler(this::statement);
  }

  private void enabled(RoutingContext ctx) {
    if (clients != null) ctx.next();
    else
      errors.fail(
          ctx,
          ErrorCode.NOT_FOUND,
          "Dynamic Client Registration is off: dcr.statementKeys is not configured");
  }

  private io.vertx.core.Handler<RoutingContext> list() {
    return ctx -> {
      JsonArray all = new JsonArray();
      for (Application a : clients.applications().all()) all.add(a.toJson());
      json(ctx, new JsonObject().put("applications", all));
    };
  }

  private io.vertx.core.Handler<RoutingContext> create() {
    return ctx -> {
      Application application;
      try {
        JsonObject body = ctx.body().length() == 0 ? null : ctx.body().asJsonObject();
        application =
            ApplicationRequest.parse(
                body,
                Ids.randomUuid(),
                System.currentTimeMillis(),
                config.accessTokens().requiredScope());
      } catch (IllegalArgumentException
          | io.vertx.core.json.DecodeException
          | ClassCastException e) {
        errors.fail(ctx, ErrorCode.INVALID_PARAMETER_APPLICATION, detail(e));
        return;
      }
      replies.json(
          ctx,
          "application create",
          clients.applications().put(application),
          v -> {
            audit(ctx, "created", application);
            created(
                ctx,
                application.toJson().put("software_statement", clients.statementFor(application)));
          });
    };
  }

  private void one(RoutingContext ctx) {
    Application application = known(ctx);
    if (application == null) return;
    if (ctx.request().method() == HttpMethod.GET) {
      json(ctx, application.toJson());
      return;
    }
    replies.json(
        ctx,
        "application revoke",
        clients.applications().put(application.asRevoked()),
        v -> {
          audit(ctx, "revoked", application);
          ctx.response().setStatusCode(204).end();
        });
  }

  /** The dashboard's Download: a fresh statement (same {@code sub}, new {@code iat}). */
  private void statement(RoutingContext ctx) {
    Application application = known(ctx);
    if (application == null) return;
    if (application.revoked()) {
      errors.fail(
          ctx,
          ErrorCode.INVALID_PARAMETER_APPLICATION,
          "the application is revoked: its statements are refused");
      return;
    }
    audit(ctx, "statement issued for", application);
    created(ctx, new JsonObject().put("software_statement", clients.statementFor(application)));
  }

  private Application known(RoutingContext ctx) {
    Application application = clients.applications().get(ctx.pathParam("id"));
    if (application == null)
      errors.fail(ctx, ErrorCode.NOT_FOUND, "no registered application has this id");
    return application;
  }

  private void audit(RoutingContext ctx, String what, Application application) {
    errors
        .about(ctx, LOG.atInfo())
        .log(
            "application {} ({} {}) {} by admin client {}",
            application.id(),
            application.name(),
            application.version(),
            what,
            ctx.<String>get(AccessTokenSteps.ADMIN_CLIENT));
  }

  private static void created(RoutingContext ctx, JsonObject body) {
    ctx.response()
        .setStatusCode(201)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.toBuffer());
  }

  private static String detail(RuntimeException e) {
    return e instanceof IllegalArgumentException
            && !(e instanceof io.vertx.core.json.DecodeException)
        ? e.getMessage()
        : "the body must be a JSON object";
  }
}

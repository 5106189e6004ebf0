package io.temppass.gateway.http;

import io.temppass.gateway.bus.Messages.ResetRequest;
import io.temppass.gateway.bus.Messages.ResetScope;
import io.temppass.gateway.bus.TempPassApi;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.config.IntegrationConfig.Degradation;
import io.temppass.gateway.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admin calls: Adobe's TempPass reset API (v3 paths) and degradation rules applied at run time.
 *
 * <p>The credential is an access token signed by the same trusted keys that carries {@code
 * admin.requiredScope} ({@code temppass:admin} by default), never the client scope: no valid token
 * gets 401, a valid token without the admin scope (a client's) gets 403.
 */
public final class AdminHandlers extends ApiHandler {
  private static final Logger LOG = LoggerFactory.getLogger(AdminHandlers.class);
  static final String DEGRADATION_PATH = "/admin/v1/degradation/:serviceProvider/:mvpd";
  static final String RESET_PATH = "/reset-tempass/v3/reset";
  static final String RESET_GENERIC_PATH = "/reset-tempass/v3/reset/generic";
  private static final String ALL = "all";

  private final TempPassApi tempPass;

  AdminHandlers(Basics basics, TempPassApi tempPass) {
    super(basics);
    this.tempPass = tempPass;
  }

  /**
   * {@code ?requestor_id=&mvpd_id=&device_id=} (or {@code /generic ?…&key=}). An absent, empty or
   * {@code all} device or key means all, as Adobe's reset API documents: "when no value is
   * provided, defaults to all".
   */
  void reset(RoutingContext ctx) {
    reset(ctx, false);
  }

  /** {@code /generic}: the reset of a promotional trial by its identity ({@code key}). */
  void resetGeneric(RoutingContext ctx) {
    reset(ctx, true);
  }

  private void reset(RoutingContext ctx, boolean generic) {
    IntegrationConfig integration =
        integration(ctx, ctx.queryParams().get("requestor_id"), ctx.queryParams().get("mvpd_id"));
    if (integration == null) return;
    if (!integration.isTempPass()
        || (generic && integration.type() != IntegrationConfig.Type.TEMPPASS_PROMOTIONAL)) {
      errors.fail(
          ctx,
          ErrorCode.INVALID_INTEGRATION,
          generic
              ? "a generic reset applies to promotional TempPass integrations only"
              : "a reset applies to TempPass integrations only");
      return;
    }
    String target = ctx.queryParams().get(generic ? "key" : "device_id");
    ResetRequest request;
    if (target == null || target.isEmpty() || target.equals(ALL)) {
      request = new ResetRequest(integration, ResetScope.ALL, null);
    } else if (target.isBlank() || target.length() > 2048) {
      errors.fail(
          ctx,
          ErrorCode.INVALID_PARAMETER_RESET,
          (generic ? "key" : "device_id")
              + " must not be only whitespace nor longer than 2048 characters");
      return;
    } else if (generic) {
      request = new ResetRequest(integration, ResetScope.IDENTITY, hasher.identity(target));
    } else {
      request =
          new ResetRequest(
              integration,
              ResetScope.DEVICE,
              hasher.device(target.getBytes(StandardCharsets.UTF_8)));
    }
    answer(
        ctx,
        "reset",
        tempPass.reset(request),
        "TempPass reset "
            + request.scope()
            + " on "
            + integration.id()
            + (target != null && target.isEmpty()
                ? " (empty " + (generic ? "key" : "device_id") + ": all)"
                : ""));
  }

  /**
   * GET shows the rule in force; PUT {@code {"rule":"AuthNAll"|"AuthZAll"|"AuthZNone"}} applies
   * one; DELETE removes any.
   */
  void degradation(RoutingContext ctx) {
    IntegrationConfig integration =
        integration(ctx, ctx.pathParam("serviceProvider"), ctx.pathParam("mvpd"));
    if (integration == null) return;
    if (integration.isTempPass()) {
      errors.fail(
          ctx, ErrorCode.DEGRADATION_ON_TEMPPASS, integration.id() + " is a TempPass integration");
      return;
    }
    if (ctx.request().method() == HttpMethod.GET) {
      Degradation rule = control.degradation(integration);
      json(
          ctx,
          new JsonObject()
              .put("serviceProvider", integration.serviceProvider())
              .put("mvpd", integration.mvpd())
              .put("rule", rule == null ? null : rule.wireName));
      return;
    }
    Degradation rule = null;
    if (ctx.request().method() == HttpMethod.PUT) {
      rule = parseRule(ctx);
      if (rule == null) {
        errors.fail(
            ctx,
            ErrorCode.INVALID_PARAMETER_RULE,
            "send a JSON body {\"rule\":\"AuthNAll\"}, AuthZAll or AuthZNone");
        return;
      }
    }
    answer(
        ctx,
        "degradation",
        control.setDegradation(integration, rule),
        "degradation on "
            + integration.id()
            + " set to "
            + (rule == null ? "none" : rule.wireName));
  }

  /**
   * Answers an admin change once it is done: 204, and an INFO line of {@code done} and the admin
   * client's id; or, when it failed, what every failed call gets ({@link BusReplies}: a WARN line
   * naming {@code what}, 503 while Redis is unavailable, 500 for our own data or scripts). With
   * {@code redis.replicaAcks} > 0 a 503 may also mean the change was written on the primary but too
   * few replicas confirmed it: it may then take effect anyway, and may be lost in a failover. Every
   * admin change can be repeated safely (a rule is set again, a reset-all moves to yet another
   * generation), so the answer to a 503 is to retry.
   */
  private void answer(RoutingContext ctx, String what, Future<Void> change, String done) {
    replies.json(
        ctx,
        what,
        change,
        v -> {
          errors
              .about(ctx, LOG.atInfo())
              .log(done + " by admin client " + ctx.get(AccessTokenSteps.ADMIN_CLIENT));
          ctx.response().setStatusCode(204).end();
        });
  }

  private static Degradation parseRule(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      Object rule = body == null ? null : body.getValue("rule");
      return rule instanceof String s ? Degradation.parse(s) : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private IntegrationConfig integration(RoutingContext ctx, String sp, String mvpd) {
    if (!RequestRules.validId(sp)) {
      errors.fail(ctx, ErrorCode.INVALID_PARAMETER_SERVICE_PROVIDER, HttpVerticle.ID_RULE);
      return null;
    }
    if (!RequestRules.validId(mvpd)) {
      errors.fail(ctx, ErrorCode.INVALID_PARAMETER_MVPD, HttpVerticle.ID_RULE);
      return null;
    }
    IntegrationConfig integration = config.integration(sp, mvpd);
    if (integration == null)
      errors.fail(
          ctx,
          ErrorCode.INVALID_INTEGRATION,
          "the integration " + sp + "/" + mvpd + " is not configured (integrations)");
    return integration;
  }
}

package io.temppass.gateway.http;

import io.temppass.gateway.Services;
import io.temppass.gateway.admin.ControlPlane;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.bus.Messages;
import io.temppass.gateway.bus.Messages.ProfileOutcome;
import io.temppass.gateway.bus.Messages.ProfileRequest;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.config.IntegrationConfig.Degradation;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.temppass.IdentityHasher;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v2/{serviceProvider}/profiles/{mvpd}} (SPEC 5) and
 * {@code GET /api/v2/{serviceProvider}/configuration}. A profile read never starts a clock.
 */
final class ProfilesHandler {
  private static final System.Logger LOG = System.getLogger(ProfilesHandler.class.getName());
  /** Adobe's "degradation specific prefix" of degraded profiles' userID. */
  private static final String DEGRADED_USER_PREFIX = "95cf93bcd183214a";

  private final Vertx vertx;
  private final GatewayConfig config;
  private final IdentityHasher hasher;
  private final ControlPlane control;
  private final GatewayMetrics metrics;
  private final HttpErrors errors;
  private final DeliveryOptions delivery;

  ProfilesHandler(Vertx vertx, Services services, HttpErrors errors, DeliveryOptions delivery) {
    this.vertx = vertx;
    this.config = services.config();
    this.hasher = services.hasher();
    this.control = services.control();
    this.metrics = services.metrics();
    this.errors = errors;
    this.delivery = delivery;
  }

  void profile(RoutingContext ctx) {
    IntegrationConfig integration = config.integration(ctx.pathParam("param0"), ctx.pathParam("param1"));
    if (integration == null || !integration.active()) {
      errors.fail(ctx, ErrorCode.INVALID_INTEGRATION);
      return;
    }
    String deviceHash = ctx.get(HttpVerticle.DEVICE);
    if (!integration.isTempPass()) {
      regularProfile(ctx, integration, deviceHash);
      return;
    }
    String identityHash = DecisionsHandler.identityHash(ctx, integration, hasher);
    vertx.eventBus().<ProfileOutcome>request(Messages.TEMPPASS_PROFILE, new ProfileRequest(integration, deviceHash, identityHash), delivery)
        .map(Message::body)
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.log(System.Logger.Level.WARNING, "profile failed [" + errors.requestId(ctx) + "]: " + ar.cause().getMessage());
            errors.fail(ctx, DecisionsHandler.failureCode(ar.cause(), metrics));
            return;
          }
          ProfileOutcome p = ar.result();
          if (p.error() != null) {
            errors.fail(ctx, p.error());
            return;
          }
          JsonObject attributes = new JsonObject()
              .put("userID", plain(IdentityHasher.userId("temppass_", p.trialHash())))
              .put("expiration_date", plain(p.notAfter()));
          if (integration.type() == IntegrationConfig.Type.TEMPPASS_PROMOTIONAL) {
            attributes.put("remaining_resources", plain(p.remaining())).put("used_assets", plain(new JsonArray(p.usedAssets())));
          }
          send(ctx, integration, profile(p.notBefore(), p.notAfter(), "temporary", attributes));
        });
  }

  /** Under AuthNAll a regular mvpd has a degraded profile; otherwise there is none to show (an empty map). */
  private void regularProfile(RoutingContext ctx, IntegrationConfig integration, String deviceHash) {
    if (control.degradation(integration) != Degradation.AUTHN_ALL) {
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, DecisionsHandler.JSON_UTF8).end(new JsonObject().put("profiles", new JsonObject()).toBuffer());
      return;
    }
    long now = System.currentTimeMillis();
    long notAfter = now + integration.degradedTtl().toMillis();
    JsonObject attributes = new JsonObject()
        .put("userID", plain(IdentityHasher.userId(DEGRADED_USER_PREFIX, deviceHash)))
        .put("expiration_date", plain(notAfter));
    send(ctx, integration, profile(now, notAfter, "degraded", attributes));
  }

  void configuration(RoutingContext ctx) {
    String sp = ctx.pathParam("param0");
    JsonArray mvpds = new JsonArray();
    for (IntegrationConfig i : config.integrations()) {
      if (i.serviceProvider().equals(sp) && i.active()) {
        mvpds.add(new JsonObject().put("id", i.mvpd()).put("displayName", i.displayName()).put("isTempPass", i.isTempPass()));
      }
    }
    if (mvpds.isEmpty()) {
      errors.fail(ctx, ErrorCode.INVALID_PARAMETER_SERVICE_PROVIDER);
      return;
    }
    JsonObject body = new JsonObject().put("requestor", new JsonObject().put("id", sp).put("name", sp).put("mvpds", mvpds));
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, DecisionsHandler.JSON_UTF8).end(body.toBuffer());
  }

  private static JsonObject profile(long notBefore, long notAfter, String type, JsonObject attributes) {
    return new JsonObject().put("notBefore", notBefore).put("notAfter", notAfter).put("issuer", "Adobe").put("type", type).put("attributes", attributes);
  }

  private static void send(RoutingContext ctx, IntegrationConfig integration, JsonObject profile) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, DecisionsHandler.JSON_UTF8)
        .end(new JsonObject().put("profiles", new JsonObject().put(integration.mvpd(), profile)).toBuffer());
  }

  private static JsonObject plain(Object value) {
    return new JsonObject().put("value", value).put("state", "plain");
  }
}

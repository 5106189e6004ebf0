package io.temppass.gateway.http;

import io.temppass.gateway.Services;
import io.temppass.gateway.admin.ControlPlane;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.bus.Messages;
import io.temppass.gateway.bus.Messages.Item;
import io.temppass.gateway.bus.Messages.SignRequest;
import io.temppass.gateway.bus.Messages.SignedTokens;
import io.temppass.gateway.bus.Messages.TempPassOutcome;
import io.temppass.gateway.bus.Messages.TempPassRequest;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.config.IntegrationConfig.Degradation;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.temppass.IdentityHasher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/v2/{serviceProvider}/decisions/authorize/{mvpd}} once the shared steps passed:
 * body, resource count, integration, then one decision per resource in request order, from
 * TempPass, a degradation rule, dummy authorization, or the missing-profile deny.
 */
final class DecisionsHandler {
  private static final System.Logger LOG = System.getLogger(DecisionsHandler.class.getName());
  private static final String RESOURCES = "resources";
  static final String JSON_UTF8 = "application/json;charset=UTF-8";

  private final Vertx vertx;
  private final GatewayConfig config;
  private final IdentityHasher hasher;
  private final ControlPlane control;
  private final GatewayMetrics metrics;
  private final HttpErrors errors;
  private final DeliveryOptions delivery;

  DecisionsHandler(Vertx vertx, Services services, HttpErrors errors, DeliveryOptions delivery) {
    this.vertx = vertx;
    this.config = services.config();
    this.hasher = services.hasher();
    this.control = services.control();
    this.metrics = services.metrics();
    this.errors = errors;
    this.delivery = delivery;
  }

  void validateBody(RoutingContext ctx) {
    Future<Buffer> body = ctx.get(HttpVerticle.BODY);
    body.onComplete(ar -> {
      List<String> resources = ar.succeeded() ? RequestRules.resources(ar.result(), config.server().maxResourceLength()) : null;
      if (resources == null) {
        errors.fail(ctx, ErrorCode.INVALID_PARAMETER_RESOURCES);
      } else if (resources.size() > config.server().maxResourcesPerRequest()) {
        errors.fail(ctx, ErrorCode.TOO_MANY_RESOURCES);
      } else {
        ctx.put(RESOURCES, resources);
        ctx.next();
      }
    });
  }

  void decide(RoutingContext ctx) {
    IntegrationConfig integration = config.integration(ctx.pathParam("param0"), ctx.pathParam("param1"));
    if (integration == null || !integration.active()) {
      errors.fail(ctx, ErrorCode.INVALID_INTEGRATION);
      return;
    }
    List<String> resources = ctx.get(RESOURCES);
    String deviceHash = ctx.get(HttpVerticle.DEVICE);
    Future<JsonArray> decisions = integration.isTempPass()
        ? tempPass(ctx, integration, deviceHash, resources)
        : regular(integration, deviceHash, resources);
    decisions.onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON_UTF8).end(new JsonObject().put("decisions", ar.result()).toBuffer());
      } else {
        LOG.log(System.Logger.Level.WARNING, "decision failed [" + errors.requestId(ctx) + "]: " + ar.cause().getMessage());
        errors.fail(ctx, failureCode(ar.cause(), metrics));
      }
    });
  }

  /** A TempPass verticle that got an error reply from Redis answered 500; anything else is unavailability. */
  static ErrorCode failureCode(Throwable cause, GatewayMetrics metrics) {
    if (cause instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) metrics.eventBusTimeout(re.getMessage());
    return failureCode(cause);
  }

  private static ErrorCode failureCode(Throwable cause) {
    boolean unexpected = cause instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE && re.failureCode() == 500;
    return unexpected ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.SERVICE_UNAVAILABLE;
  }

  /**
   * The keyed hash of the promotional identity, or null for basic TempPass and for a missing or invalid
   * {@code AP-TempPass-Identity} (the TempPass verticle turns that into item-level denies).
   */
  static String identityHash(RoutingContext ctx, IntegrationConfig integration, IdentityHasher hasher) {
    if (integration.type() != IntegrationConfig.Type.TEMPPASS_PROMOTIONAL) return null;
    String identity = RequestRules.tempPassIdentity(ctx.request().getHeader("AP-TempPass-Identity"), integration.identityKey());
    return identity == null ? null : hasher.identity(identity);
  }

  private Future<JsonArray> tempPass(RoutingContext ctx, IntegrationConfig integration, String deviceHash, List<String> resources) {
    String identityHash = identityHash(ctx, integration, hasher);
    TempPassRequest request = new TempPassRequest(integration, deviceHash, identityHash, resources);
    return vertx.eventBus().<TempPassOutcome>request(Messages.TEMPPASS_DECIDE, request, delivery)
        .map(Message::body)
        .compose(outcome -> {
          List<String> permitted = new ArrayList<>();
          for (Item item : outcome.items()) if (item.permitted()) permitted.add(item.resource());
          // A media token never outlives the pass it was issued under.
          long tokenNotAfter = Math.min(outcome.notBefore() + config.mediaTokens().ttl().toMillis(), outcome.notAfter());
          return sign(integration, deviceHash, permitted, outcome.notBefore(), tokenNotAfter)
              .map(tokens -> render(integration, "temppass", outcome.items(), tokens, outcome.notBefore(), tokenNotAfter, outcome.notAfter()));
        });
  }

  /**
   * A regular mvpd: a degradation rule decides first (SPEC 4.4), then dummy authorization; otherwise,
   * until an upstream MVPD adapter exists, there is no authenticated profile to authorize against.
   */
  private Future<JsonArray> regular(IntegrationConfig integration, String deviceHash, List<String> resources) {
    Degradation rule = control.degradation(integration);
    long now = System.currentTimeMillis();
    long tokenNotAfter = now + config.mediaTokens().ttl().toMillis();
    if (rule == Degradation.AUTHZ_NONE) {
      return Future.succeededFuture(render(integration, "degradation", denyAll(resources, ErrorCode.AUTHORIZATION_DENIED_BY_DEGRADATION_RULE), List.of(), 0, 0, 0));
    }
    if (rule != null) {
      long decisionNotAfter = rule == Degradation.AUTHN_ALL ? now + integration.degradedTtl().toMillis() : 0;
      return sign(integration, deviceHash, resources, now, tokenNotAfter)
          .map(tokens -> render(integration, "degradation", permitAll(resources), tokens, now, tokenNotAfter, decisionNotAfter));
    }
    if (integration.dummyAuthorization()) {
      return sign(integration, deviceHash, resources, now, tokenNotAfter)
          .map(tokens -> render(integration, "dummy", permitAll(resources), tokens, now, tokenNotAfter, 0));
    }
    return Future.succeededFuture(render(integration, "mvpd", denyAll(resources, ErrorCode.AUTHENTICATED_PROFILE_MISSING), List.of(), 0, 0, 0));
  }

  private Future<List<String>> sign(IntegrationConfig integration, String deviceHash, List<String> resources, long notBefore, long notAfter) {
    if (resources.isEmpty()) return Future.succeededFuture(List.of());
    SignRequest request = new SignRequest(integration.serviceProvider(), integration.mvpd(), deviceHash, resources, notBefore, notAfter);
    return vertx.eventBus().<SignedTokens>request(Messages.TOKEN_SIGN, request, delivery).map(m -> m.body().tokens());
  }

  /**
   * Items in request order; {@code tokens} holds one token per permitted item, in the same order.
   * Permits carry decision {@code notBefore}/{@code notAfter} only when {@code decisionNotAfter} is set.
   */
  private JsonArray render(IntegrationConfig integration, String source, List<Item> items, List<String> tokens,
                           long notBefore, long tokenNotAfter, long decisionNotAfter) {
    JsonArray out = new JsonArray();
    int next = 0;
    for (Item item : items) {
      JsonObject d = new JsonObject()
          .put("resource", item.resource())
          .put("serviceProvider", integration.serviceProvider())
          .put("mvpd", integration.mvpd())
          .put("source", source)
          .put("authorized", item.permitted());
      if (item.permitted()) {
        d.put("token", new JsonObject().put("notBefore", notBefore).put("notAfter", tokenNotAfter).put("serializedToken", tokens.get(next++)));
        if (decisionNotAfter > 0) d.put("notBefore", notBefore).put("notAfter", decisionNotAfter);
      } else {
        d.put("error", errors.renderer().item(item.error()));
      }
      metrics.decision(source, item.permitted(), item.permitted() ? null : item.error().code);
      out.add(d);
    }
    return out;
  }

  private static List<Item> permitAll(List<String> resources) {
    List<Item> items = new ArrayList<>(resources.size());
    for (String r : resources) items.add(new Item(r, null));
    return items;
  }

  private static List<Item> denyAll(List<String> resources, ErrorCode error) {
    List<Item> items = new ArrayList<>(resources.size());
    for (String r : resources) items.add(new Item(r, error));
    return items;
  }
}

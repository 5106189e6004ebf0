package io.temppass.gateway.http;

import io.temppass.gateway.bus.Messages.Item;
import io.temppass.gateway.bus.Messages.ProfileRequest;
import io.temppass.gateway.bus.Messages.SignRequest;
import io.temppass.gateway.bus.Messages.SignedTokens;
import io.temppass.gateway.bus.Messages.TempPassRequest;
import io.temppass.gateway.bus.MvpdApi;
import io.temppass.gateway.bus.MvpdMessages.AuthorizeRequest;
import io.temppass.gateway.bus.MvpdMessages.MvpdItem;
import io.temppass.gateway.bus.TempPassApi;
import io.temppass.gateway.bus.TokenApi;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.config.IntegrationConfig.Degradation;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.temppass.IdentityHasher;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v2/{serviceProvider}/decisions/authorize/{mvpd}} once the shared steps passed:
 * body, resource count, integration, then one decision per resource in request order, from
 * TempPass, a degradation rule, dummy authorization, or the missing-profile deny.
 */
final class DecisionsHandler extends ApiHandler {
  private static final String RESOURCES = "resources";

  /** No permit, no signing: the reply the token verticle would give, without the hop. */
  private static final Future<SignedTokens> NO_TOKENS =
      Future.succeededFuture(new SignedTokens(List.of()));

  private final GatewayMetrics metrics;
  private final TempPassApi tempPass;
  private final TokenApi signer;
  private final MvpdApi mvpd;

  DecisionsHandler(
      Basics basics, GatewayMetrics metrics, TempPassApi tempPass, TokenApi signer, MvpdApi mvpd) {
    super(basics);
    this.metrics = metrics;
    this.tempPass = tempPass;
    this.signer = signer;
    this.mvpd = mvpd;
  }

  /** {@code preauthorize}: {@code POST …/decisions/preauthorize/{mvpd}}, with its own limit. */
  void validateBody(RoutingContext ctx, boolean preauthorize) {
    Future<Buffer> body = ctx.get(HttpVerticle.BODY);
    body.onComplete(
        ar -> {
          RequestRules.Resources read =
              RequestRules.readResources(
                  ar.succeeded() ? ar.result() : null, config.server().maxResourceLength());
          List<String> resources = read.list();
          int limit =
              preauthorize
                  ? config.server().maxPreauthorizeResources()
                  : config.server().maxResourcesPerRequest();
          if (resources == null) {
            errors.fail(ctx, ErrorCode.INVALID_PARAMETER_RESOURCES, read.problem());
          } else if (resources.size() > limit) {
            errors.fail(
                ctx,
                ErrorCode.TOO_MANY_RESOURCES,
                resources.size()
                    + " resources; at most "
                    + limit
                    + " per request (server."
                    + (preauthorize ? "maxPreauthorizeResources" : "maxResourcesPerRequest")
                    + ")");
          } else {
            ctx.put(RESOURCES, resources);
            ctx.next();
          }
        });
  }

  /**
   * {@code preauthorize}: {@code POST …/decisions/preauthorize/{mvpd}}, informational: no tokens,
   * nothing consumed.
   */
  void decide(RoutingContext ctx, boolean preauthorize) {
    IntegrationConfig integration = activeIntegration(ctx);
    if (integration == null) return;
    List<String> resources = ctx.get(RESOURCES);
    String deviceHash = ctx.get(HttpVerticle.DEVICE);
    Future<JsonArray> decisions =
        integration.isTempPass()
            ? (preauthorize
                ? tempPassPreauthorize(ctx, integration, deviceHash, resources)
                : tempPass(ctx, integration, deviceHash, resources))
            : regular(ctx, integration, deviceHash, resources, preauthorize);
    replies.json(
        ctx, "decision", decisions, items -> json(ctx, new JsonObject().put("decisions", items)));
  }

  /**
   * The keyed hash of the promotional identity, or null for basic TempPass and for a missing or
   * invalid {@code AP-TempPass-Identity} (the TempPass verticle turns that into item-level denies).
   */
  static String identityHash(
      RoutingContext ctx, IntegrationConfig integration, IdentityHasher hasher) {
    if (integration.type() != IntegrationConfig.Type.TEMPPASS_PROMOTIONAL) return null;
    String identity =
        RequestRules.tempPassIdentity(
            ctx.request().getHeader(HeaderNames.TEMPPASS_IDENTITY), integration.identityKey());
    return identity == null ? null : hasher.identity(identity);
  }

  private Future<JsonArray> tempPass(
      RoutingContext ctx,
      IntegrationConfig integration,
      String deviceHash,
      List<String> resources) {
    String identityHash = identityHash(ctx, integration, hasher);
    TempPassRequest request = new TempPassRequest(integration, deviceHash, identityHash, resources);
    return tempPass
        .decide(request)
        .compose(
            outcome -> {
              List<String> permitted = new ArrayList<>();
              for (Item item : outcome.items())
                if (item.permitted()) permitted.add(item.resource());
              // A media token never outlives the pass it was issued under.
              long tokenNotAfter =
                  Math.min(
                      outcome.notBefore() + config.mediaTokens().ttl().toMillis(),
                      outcome.notAfter());
              return sign(integration, deviceHash, permitted, outcome.notBefore(), tokenNotAfter)
                  .map(
                      signed ->
                          render(
                              integration,
                              "temppass",
                              outcome.items(),
                              signed.tokens(),
                              outcome.notBefore(),
                              tokenNotAfter,
                              outcome.notAfter()));
            });
  }

  /**
   * A regular mvpd: a degradation rule decides first (SPEC 4.4), then dummy authorization, then the
   * MVPD itself through the device's authenticated profile (SPEC 4.6). Preauthorization gives the
   * same answers without tokens or decision times.
   */
  private Future<JsonArray> regular(
      RoutingContext ctx,
      IntegrationConfig integration,
      String deviceHash,
      List<String> resources,
      boolean preauthorize) {
    Degradation rule = control.degradation(integration);
    long now = System.currentTimeMillis();
    long tokenNotAfter = now + config.mediaTokens().ttl().toMillis();
    if (rule == Degradation.AUTHZ_NONE) {
      return Future.succeededFuture(
          render(
              integration,
              "degradation",
              denyAll(resources, ErrorCode.AUTHORIZATION_DENIED_BY_DEGRADATION_RULE),
              List.of(),
              0,
              0,
              0));
    }
    if (rule != null || integration.dummyAuthorization()) {
      String source = rule != null ? "degradation" : "dummy";
      if (preauthorize)
        return Future.succeededFuture(
            render(integration, source, permitAll(resources), List.of(), 0, 0, 0));
      long decisionNotAfter =
          rule == Degradation.AUTHN_ALL ? now + integration.degradedTtl().toMillis() : 0;
      return sign(integration, deviceHash, resources, now, tokenNotAfter)
          .map(
              signed ->
                  render(
                      integration,
                      source,
                      permitAll(resources),
                      signed.tokens(),
                      now,
                      tokenNotAfter,
                      decisionNotAfter));
    }
    AuthorizeRequest request =
        new AuthorizeRequest(
            integration, deviceHash, resources, ctx.get(HttpVerticle.CLIENT_IP), preauthorize);
    return mvpd.authorize(request)
        .compose(
            reply ->
                preauthorize
                    ? Future.succeededFuture(
                        renderMvpd(integration, reply.items(), null, null, false))
                    : signMvpd(integration, deviceHash, reply.items()));
  }

  /**
   * One token per permit. A fresh decision's token starts with the decision (sample 1: token
   * notBefore = decision notBefore); a cached decision's token starts now. A token never outlives
   * its decision, so permits are signed in groups of equal token windows (one group in the usual
   * case).
   */
  private Future<JsonArray> signMvpd(
      IntegrationConfig integration, String deviceHash, List<MvpdItem> items) {
    long now = System.currentTimeMillis();
    long ttl = config.mediaTokens().ttl().toMillis();
    String[] tokens = new String[items.size()];
    long[][] windows = new long[items.size()][];
    Map<List<Long>, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      MvpdItem item = items.get(i);
      if (!item.permitted()) continue;
      long notBefore = item.fresh() ? item.notBefore() : now;
      windows[i] = new long[] {notBefore, Math.min(notBefore + ttl, item.notAfter())};
      groups.computeIfAbsent(List.of(windows[i][0], windows[i][1]), k -> new ArrayList<>()).add(i);
    }
    List<Future<SignedTokens>> signed = new ArrayList<>();
    List<List<Integer>> order = new ArrayList<>(groups.values());
    for (Map.Entry<List<Long>, List<Integer>> g : groups.entrySet()) {
      List<String> resources = new ArrayList<>();
      for (int i : g.getValue()) resources.add(items.get(i).resource());
      signed.add(sign(integration, deviceHash, resources, g.getKey().get(0), g.getKey().get(1)));
    }
    return Future.all(signed)
        .map(
            all -> {
              for (int g = 0; g < order.size(); g++) {
                List<String> groupTokens = all.<SignedTokens>resultAt(g).tokens();
                for (int k = 0; k < order.get(g).size(); k++)
                  tokens[order.get(g).get(k)] = groupTokens.get(k);
              }
              return renderMvpd(integration, items, tokens, windows, true);
            });
  }

  /**
   * {@code source: "mvpd"} items; a permit carries its token and the decision window, a deny the
   * MVPD's text in {@code details}.
   */
  private JsonArray renderMvpd(
      IntegrationConfig integration,
      List<MvpdItem> items,
      String[] tokens,
      long[][] tokenWindows,
      boolean withTimes) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < items.size(); i++) {
      MvpdItem item = items.get(i);
      JsonObject d =
          new JsonObject()
              .put("resource", item.resource())
              .put("serviceProvider", integration.serviceProvider())
              .put("mvpd", integration.mvpd())
              .put("source", "mvpd")
              .put("authorized", item.permitted());
      if (item.permitted()) {
        if (withTimes) {
          d.put(
              "token",
              new JsonObject()
                  .put("notBefore", tokenWindows[i][0])
                  .put("notAfter", tokenWindows[i][1])
                  .put("serializedToken", tokens[i]));
          d.put("notBefore", item.notBefore()).put("notAfter", item.notAfter());
        }
      } else {
        d.put("error", errors.renderer().item(item.error(), item.details()));
      }
      metrics.decision("mvpd", item.permitted(), item.permitted() ? null : item.error().code);
      out.add(d);
    }
    return out;
  }

  /**
   * Preauthorization for TempPass reports the pass's current answer without starting a clock or
   * consuming a resource: it reads the profile (which never starts a clock) and permits what an
   * authorization would permit now.
   */
  private Future<JsonArray> tempPassPreauthorize(
      RoutingContext ctx,
      IntegrationConfig integration,
      String deviceHash,
      List<String> resources) {
    ProfileRequest request =
        new ProfileRequest(integration, deviceHash, identityHash(ctx, integration, hasher));
    return tempPass
        .profile(request)
        .map(
            p -> {
              List<Item> items = new ArrayList<>(resources.size());
              int free = p.remaining();
              java.util.Set<String> granted = new java.util.HashSet<>();
              for (String resource : resources) {
                ErrorCode error = p.error();
                boolean used = p.used(resource);
                if (error == null
                    && integration.type() == IntegrationConfig.Type.TEMPPASS_PROMOTIONAL
                    && !used
                    && !granted.contains(resource)) {
                  if (free > 0) {
                    free--;
                    granted.add(resource);
                  } else {
                    error = ErrorCode.TEMPORARY_ACCESS_RESOURCES_LIMIT_EXCEEDED;
                  }
                }
                if (error == ErrorCode.TEMPORARY_ACCESS_RESOURCES_LIMIT_EXCEEDED && used)
                  error = null;
                items.add(new Item(resource, error));
              }
              return render(integration, "temppass", items, List.of(), 0, 0, 0);
            });
  }

  private Future<SignedTokens> sign(
      IntegrationConfig integration,
      String deviceHash,
      List<String> resources,
      long notBefore,
      long notAfter) {
    if (resources.isEmpty()) return NO_TOKENS;
    return signer.sign(
        new SignRequest(
            integration.serviceProvider(),
            integration.mvpd(),
            deviceHash,
            resources,
            notBefore,
            notAfter));
  }

  /**
   * Items in request order; {@code tokens} holds one token per permitted item, in the same order.
   * Permits carry decision {@code notBefore}/{@code notAfter} only when {@code decisionNotAfter} is
   * set.
   */
  private JsonArray render(
      IntegrationConfig integration,
      String source,
      List<Item> items,
      List<String> tokens,
      long notBefore,
      long tokenNotAfter,
      long decisionNotAfter) {
    JsonArray out = new JsonArray();
    int next = 0;
    for (Item item : items) {
      JsonObject d =
          new JsonObject()
              .put("resource", item.resource())
              .put("serviceProvider", integration.serviceProvider())
              .put("mvpd", integration.mvpd())
              .put("source", source)
              .put("authorized", item.permitted());
      if (item.permitted() && next < tokens.size()) {
        d.put(
            "token",
            new JsonObject()
                .put("notBefore", notBefore)
                .put("notAfter", tokenNotAfter)
                .put("serializedToken", tokens.get(next++)));
        if (decisionNotAfter > 0) d.put("notBefore", notBefore).put("notAfter", decisionNotAfter);
      } else if (item.permitted()) {
        // Preauthorization: the answer alone, no token and no decision times (DP).
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

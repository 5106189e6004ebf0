package io.temppass.gateway.http;

import io.temppass.gateway.bus.Messages.ProfileOutcome;
import io.temppass.gateway.bus.Messages.ProfileRequest;
import io.temppass.gateway.bus.MvpdApi;
import io.temppass.gateway.bus.MvpdMessages.Profile;
import io.temppass.gateway.bus.MvpdMessages.ProfilesRequest;
import io.temppass.gateway.bus.TempPassApi;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.config.IntegrationConfig.Degradation;
import io.temppass.gateway.config.MvpdSettings;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.temppass.IdentityHasher;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * {@code GET /api/v2/{serviceProvider}/profiles/{mvpd}} (SPEC 5) and {@code GET
 * /api/v2/{serviceProvider}/configuration}. A profile read never starts a clock.
 */
final class ProfilesHandler extends ApiHandler {
  /** Adobe's "degradation specific prefix" of degraded profiles' userID. */
  private static final String DEGRADED_USER_PREFIX = "95cf93bcd183214a";

  private final TempPassApi tempPass;
  private final MvpdApi mvpd;

  ProfilesHandler(Basics basics, TempPassApi tempPass, MvpdApi mvpd) {
    super(basics);
    this.tempPass = tempPass;
    this.mvpd = mvpd;
  }

  void profile(RoutingContext ctx) {
    IntegrationConfig integration = activeIntegration(ctx);
    if (integration == null) return;
    String deviceHash = ctx.get(HttpVerticle.DEVICE);
    if (!integration.isTempPass()) {
      regularProfile(ctx, integration, deviceHash);
      return;
    }
    String identityHash = DecisionsHandler.identityHash(ctx, integration, hasher);
    tempPass
        .profile(new ProfileRequest(integration, deviceHash, identityHash))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                replies.fail(ctx, "profile", ar.cause());
                return;
              }
              ProfileOutcome p = ar.result();
              if (p.error() != null) {
                errors.fail(ctx, p.error());
                return;
              }
              JsonObject attributes =
                  new JsonObject()
                      .put("userID", plain(IdentityHasher.userId("temppass_", p.trialHash())))
                      .put("expiration_date", plain(p.notAfter()));
              if (integration.type() == IntegrationConfig.Type.TEMPPASS_PROMOTIONAL) {
                attributes
                    .put("remaining_resources", plain(p.remaining()))
                    .put("used_assets", plain(new JsonArray(p.usedAssets())));
              }
              send(ctx, integration, profile(p.notBefore(), p.notAfter(), "temporary", attributes));
            });
  }

  /**
   * A regular mvpd: the device's authenticated profile when there is a valid one; otherwise, under
   * AuthNAll, a degraded profile; otherwise none (an empty map).
   */
  private void regularProfile(
      RoutingContext ctx, IntegrationConfig integration, String deviceHash) {
    replies.json(
        ctx,
        "mvpd profiles",
        mvpd.profiles(
            new ProfilesRequest(
                integration.serviceProvider(),
                integration.mvpd(),
                null,
                SessionsHandler.caller(ctx))),
        reply -> {
          JsonObject profiles = new JsonObject();
          for (Profile p : reply.profiles()) profiles.put(p.mvpd(), regular(p));
          if (profiles.isEmpty() && control.degradation(integration) == Degradation.AUTHN_ALL)
            profiles.put(integration.mvpd(), degraded(integration, deviceHash));
          json(ctx, new JsonObject().put("profiles", profiles));
        });
  }

  /**
   * {@code GET /api/v2/{sp}/profiles}: every valid regular profile of the device, and degraded ones
   * where AuthNAll applies.
   */
  void allProfiles(RoutingContext ctx) {
    String sp = HttpVerticle.serviceProvider(ctx);
    String deviceHash = ctx.get(HttpVerticle.DEVICE);
    replies.json(
        ctx,
        "mvpd profiles",
        mvpd.profiles(new ProfilesRequest(sp, null, null, SessionsHandler.caller(ctx))),
        reply -> {
          JsonObject profiles = new JsonObject();
          for (Profile p : reply.profiles()) profiles.put(p.mvpd(), regular(p));
          for (IntegrationConfig i : config.integrations()) {
            if (i.serviceProvider().equals(sp)
                && i.active()
                && !i.isTempPass()
                && !profiles.containsKey(i.mvpd())
                && control.degradation(i) == Degradation.AUTHN_ALL) {
              profiles.put(i.mvpd(), degraded(i, deviceHash));
            }
          }
          json(ctx, new JsonObject().put("profiles", profiles));
        });
  }

  /**
   * {@code GET /api/v2/{sp}/profiles/code/{code}}: the profile the session's login produced, once
   * it exists.
   */
  void codeProfile(RoutingContext ctx) {
    ProfilesRequest request =
        new ProfilesRequest(
            HttpVerticle.serviceProvider(ctx),
            null,
            ctx.pathParam("code"),
            SessionsHandler.caller(ctx));
    replies.answer(
        ctx,
        "mvpd profiles",
        mvpd.profiles(request),
        reply -> {
          JsonObject profiles = new JsonObject();
          for (Profile p : reply.profiles()) profiles.put(p.mvpd(), regular(p));
          json(ctx, new JsonObject().put("profiles", profiles));
        });
  }

  /**
   * A regular profile (PM): {@code issuer} is the MVPD, every attribute {@code {value, state:
   * "plain"}}.
   */
  private static JsonObject regular(Profile p) {
    JsonObject attributes = new JsonObject();
    for (Map.Entry<String, Object> a : p.attributes().entrySet())
      attributes.put(a.getKey(), plain(a.getValue()));
    return new JsonObject()
        .put("notBefore", p.notBefore())
        .put("notAfter", p.notAfter())
        .put("issuer", p.mvpd())
        .put("type", "regular")
        .put("attributes", attributes);
  }

  private static JsonObject degraded(IntegrationConfig integration, String deviceHash) {
    long now = System.currentTimeMillis();
    long notAfter = now + integration.degradedTtl().toMillis();
    JsonObject attributes =
        new JsonObject()
            .put("userID", plain(IdentityHasher.userId(DEGRADED_USER_PREFIX, deviceHash)))
            .put("expiration_date", plain(notAfter));
    return profile(now, notAfter, "degraded", attributes);
  }

  /**
   * {@code GET /api/v2/{sp}/configuration} (digest §9): the provider's active mvpds and its
   * domains, with the caller's device, client type and OS as far as {@code X-Device-Info} tells
   * them.
   */
  void configuration(RoutingContext ctx) {
    String sp = HttpVerticle.serviceProvider(ctx);
    JsonArray mvpds = new JsonArray();
    for (IntegrationConfig i : config.integrations()) {
      if (i.serviceProvider().equals(sp) && i.active()) {
        mvpds.add(
            new JsonObject()
                .put("id", i.mvpd())
                .put("displayName", i.displayName())
                .put("logoUrl", i.logoUrl())
                .put("isTempPass", i.isTempPass()));
      }
    }
    if (mvpds.isEmpty()) {
      errors.fail(
          ctx,
          ErrorCode.INVALID_PARAMETER_SERVICE_PROVIDER,
          "no active integration of the service provider " + sp + " is configured");
      return;
    }
    MvpdSettings.ServiceProvider provider = config.serviceProvider(sp);
    JsonArray domains = new JsonArray();
    if (provider != null) {
      for (MvpdSettings.Domain d : provider.domains())
        domains.add(new JsonObject().put("name", d.name()).put("mvpdInitiated", d.mvpdInitiated()));
    }
    JsonObject device = RequestRules.deviceInfo(ctx.request().getHeader(HeaderNames.DEVICE_INFO));
    JsonObject body =
        new JsonObject()
            .put("device", device.getString("primaryHardwareType", "Unknown"))
            .put("clientType", "REST_API_V2")
            .put("os", device.getString("osName", "Unknown"))
            .put(
                "requestor",
                new JsonObject()
                    .put("id", sp)
                    .put("name", provider == null ? sp : provider.name())
                    .put("domains", domains)
                    .put("mvpds", mvpds));
    json(ctx, body);
  }

  private static JsonObject profile(
      long notBefore, long notAfter, String type, JsonObject attributes) {
    return new JsonObject()
        .put("notBefore", notBefore)
        .put("notAfter", notAfter)
        .put("issuer", "Adobe")
        .put("type", type)
        .put("attributes", attributes);
  }

  private static void send(RoutingContext ctx, IntegrationConfig integration, JsonObject profile) {
    json(ctx, new JsonObject().put("profiles", new JsonObject().put(integration.mvpd(), profile)));
  }

  private static JsonObject plain(Object value) {
    return new JsonObject().put("value", value).put("state", "plain");
  }
}

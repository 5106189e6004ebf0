package io.temppass.gateway.http;

import io.temppass.gateway.bus.MvpdApi;
import io.temppass.gateway.bus.MvpdMessages.LogoutRequest;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.config.MvpdSettings;
import io.temppass.gateway.error.ErrorCode;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v2/{sp}/logout/{mvpd}?redirectUrl=…} (authn digest §5): deletes the device's
 * profile for that mvpd, and with it every cached decision, then tells the app whether the MVPD
 * wants a browser visit to end its own session.
 */
final class LogoutHandler extends ApiHandler {
  private final MvpdApi mvpd;

  LogoutHandler(Basics basics, MvpdApi mvpd) {
    super(basics);
    this.mvpd = mvpd;
  }

  void logout(RoutingContext ctx) {
    IntegrationConfig integration = activeIntegration(ctx);
    if (integration == null) return;
    // '&' alone separates query fields (WHATWG): a ';' belongs to the redirect URL.
    String redirectUrl = ctx.request().params(true).get("redirectUrl");
    MvpdSettings.ServiceProvider provider = config.serviceProvider(integration.serviceProvider());
    if (redirectUrl != null && (provider == null || !provider.allowsRedirect(redirectUrl))) {
      errors.fail(ctx, ErrorCode.INVALID_PARAMETER_REDIRECT_URL);
      return;
    }
    replies.json(
        ctx,
        "mvpd logout",
        mvpd.logout(
            new LogoutRequest(
                integration, ctx.get(HttpVerticle.DEVICE), redirectUrl, errors.requestId(ctx))),
        reply -> {
          JsonObject entry =
              SessionsHandler.action(reply.actionName(), reply.actionType())
                  .put("mvpd", integration.mvpd());
          if (reply.url() != null) entry.put("url", reply.url());
          json(
              ctx,
              new JsonObject().put("logouts", new JsonObject().put(integration.mvpd(), entry)));
        });
  }
}

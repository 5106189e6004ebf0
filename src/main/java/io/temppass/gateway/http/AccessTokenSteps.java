package io.temppass.gateway.http;

import io.temppass.gateway.auth.AccessTokenVerifier;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes' access-token steps: a client application's token on the public API, an admin token on
 * the admin API. Each verifies the bearer token (401 when it fails), checks what the token may do
 * (403), and keeps the caller's client id in the context for the steps after it.
 */
final class AccessTokenSteps {
  private static final Logger LOG = LoggerFactory.getLogger(AccessTokenSteps.class);

  /** The admin client's id (never the token), for the INFO line each admin call logs. */
  static final String ADMIN_CLIENT = "adminClient";

  private final AccessTokenVerifier tokens;
  private final HttpErrors errors;
  private final String clientIdClaim;
  private final String adminScope;

  /** Fields, not lambdas made per request: a step's check costs no allocation. */
  private final BiPredicate<JsonObject, RoutingContext> mayCallProvider;

  private final BiPredicate<JsonObject, RoutingContext> hasAdminScope;

  AccessTokenSteps(AccessTokenVerifier tokens, HttpErrors errors, GatewayConfig config) {
    this.tokens = tokens;
    this.errors = errors;
    this.clientIdClaim = config.accessTokens().clientIdClaim();
    this.adminScope = config.admin().requiredScope();
    this.mayCallProvider =
        (claims, ctx) -> tokens.mayCall(claims, HttpVerticle.serviceProvider(ctx));
    this.hasAdminScope = (claims, ctx) -> AccessTokenVerifier.hasScope(claims, adminScope);
  }

  /**
   * The public API: a client token with the client scope that may call the route's service
   * provider; its client id (empty if the token has none) as {@link HttpVerticle#CLIENT}.
   */
  void client(RoutingContext ctx) {
    check(
        ctx,
        tokens.verify(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)),
        mayCallProvider,
        ErrorCode.INVALID_ACCESS_TOKEN_SERVICE_PROVIDER,
        HttpVerticle.CLIENT,
        "");
  }

  /**
   * The admin API: a token signed by the same trusted keys that carries {@code
   * admin.requiredScope}; its client id ({@code unknown} if it has none) as {@link #ADMIN_CLIENT}.
   */
  void admin(RoutingContext ctx) {
    check(
        ctx,
        tokens.verifySignature(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)),
        hasAdminScope,
        ErrorCode.INSUFFICIENT_SCOPE,
        ADMIN_CLIENT,
        "unknown");
  }

  private String deniedDetails(RoutingContext ctx, ErrorCode denied) {
    return denied == ErrorCode.INSUFFICIENT_SCOPE
        ? "admin calls need a token with the scope '" + adminScope + "' (admin.requiredScope)"
        : "the token's client is not registered for the service provider '"
            + HttpVerticle.serviceProvider(ctx)
            + "' (accessTokens.clientServiceProviders)";
  }

  private void check(
      RoutingContext ctx,
      Future<JsonObject> verified,
      BiPredicate<JsonObject, RoutingContext> allowed,
      ErrorCode denied,
      String clientKey,
      String noClient) {
    verified.onComplete(
        ar -> {
          if (ar.failed()) {
            // The verifier's own reasons are written for the client; anything else (a bug) is not.
            String details =
                ar.cause() instanceof AccessTokenVerifier.Rejected
                    ? ar.cause().getMessage()
                    : "the access token could not be verified";
            errors.about(ctx, LOG.atDebug()).log("access token rejected: {}", details);
            errors.fail(ctx, ErrorCode.INVALID_ACCESS_TOKEN_CLIENT_APPLICATION, details);
          } else if (!allowed.test(ar.result(), ctx)) {
            errors.fail(ctx, denied, deniedDetails(ctx, denied));
          } else {
            Object client = ar.result().getValue(clientIdClaim);
            ctx.put(clientKey, client == null ? noClient : String.valueOf(client));
            ctx.next();
          }
        });
  }
}

package io.temppass.gateway.http;

import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.temppass.IdentityHasher;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The V2 API's routes with an access token: sessions, profiles, preauthorize, logout, decisions and
 * configuration, each a chain of steps in SPEC 3's order (path, access token, headers, body). The
 * CORS, body collection and throttle in front of {@code /api/v2/} are {@link HttpVerticle}'s.
 */
final class V2ApiRoutes {
  static final String DECISIONS_PATH = "/api/v2/:serviceProvider/decisions/authorize/:mvpd";
  static final String PROFILES_PATH = "/api/v2/:serviceProvider/profiles/:mvpd";
  static final String PREAUTHORIZE_PATH = "/api/v2/:serviceProvider/decisions/preauthorize/:mvpd";
  static final String LOGOUT_PATH = "/api/v2/:serviceProvider/logout/:mvpd";
  static final String CONFIGURATION_PATH = "/api/v2/:serviceProvider/configuration";

  /** Adobe's own sample asks for the configuration with a trailing slash. */
  private static final String CONFIGURATION_SLASH_PATH = CONFIGURATION_PATH + "/";

  private final HttpErrors errors;
  private final AccessTokenSteps tokens;
  private final IdentityHasher hasher;
  private final SessionsHandler sessions;
  private final ProfilesHandler profiles;
  private final DecisionsHandler decisions;
  private final LogoutHandler logout;

  V2ApiRoutes(
      HttpErrors errors,
      AccessTokenSteps tokens,
      IdentityHasher hasher,
      SessionsHandler sessions,
      ProfilesHandler profiles,
      DecisionsHandler decisions,
      LogoutHandler logout) {
    this.errors = errors;
    this.tokens = tokens;
    this.hasher = hasher;
    this.sessions = sessions;
    this.profiles = profiles;
    this.decisions = decisions;
    this.logout = logout;
  }

  void mount(Router router) {
    api(router, "/api/v2/:serviceProvider/sessions", "sessions", HttpMethod.POST)
        .handler(this::validateDevice)
        .handler(sessions::session);
    api(
            router,
            "/api/v2/:serviceProvider/sessions/:code",
            "sessions",
            HttpMethod.GET,
            HttpMethod.POST)
        .handler(this::validateDevice)
        .handler(
            ctx -> {
              if (ctx.request().method() == HttpMethod.GET) sessions.info(ctx);
              else sessions.session(ctx);
            });
    api(router, "/api/v2/:serviceProvider/profiles", "profiles", HttpMethod.GET)
        .handler(this::validateHeaders)
        .handler(profiles::allProfiles);
    api(router, "/api/v2/:serviceProvider/profiles/code/:code", "profiles", HttpMethod.GET)
        .handler(this::validateDevice)
        .handler(profiles::codeProfile);
    decisionRoute(router, PREAUTHORIZE_PATH, "preauthorize", true);
    api(router, LOGOUT_PATH, "logout", HttpMethod.GET)
        .handler(this::validateHeaders)
        .handler(logout::logout);
    decisionRoute(router, DECISIONS_PATH, "decisions", false);
    api(router, PROFILES_PATH, "profiles", HttpMethod.GET)
        .handler(this::validateHeaders)
        .handler(profiles::profile);
    for (String path : List.of(CONFIGURATION_PATH, CONFIGURATION_SLASH_PATH))
      api(router, path, "configuration", HttpMethod.GET).handler(profiles::configuration);
  }

  /**
   * An API route's first steps, in SPEC order after the throttle: the route's name and method
   * check, the path parameters, then the access token.
   */
  private Route api(Router router, String path, String name, HttpMethod... allowed) {
    return errors
        .endpoint(router, path, name, allowed)
        .handler(this::validatePath)
        .handler(tokens::client);
  }

  /**
   * Authorization and preauthorization take the same steps; the route tells the handler which it is
   * (never a search of the raw path, which the router matched after normalising it).
   */
  private void decisionRoute(Router router, String path, String name, boolean preauthorize) {
    api(router, path, name, HttpMethod.POST)
        .handler(this::validateHeaders)
        .handler(ctx -> decisions.validateBody(ctx, preauthorize))
        .handler(ctx -> decisions.decide(ctx, preauthorize));
  }

  private void validatePath(RoutingContext ctx) {
    if (!RequestRules.validId(HttpVerticle.serviceProvider(ctx))) {
      errors.fail(ctx, ErrorCode.INVALID_PARAMETER_SERVICE_PROVIDER, HttpVerticle.ID_RULE);
    } else if (HttpVerticle.mvpd(ctx) != null && !RequestRules.validId(HttpVerticle.mvpd(ctx))) {
      errors.fail(ctx, ErrorCode.INVALID_PARAMETER_MVPD, HttpVerticle.ID_RULE);
    } else {
      ctx.next();
    }
  }

  /**
   * The session APIs: the device identifier (sessions are bound to the device), device information
   * and {@code Accept}; their body, if any, is a form.
   */
  private void validateDevice(RoutingContext ctx) {
    validateHeaders(ctx, false);
  }

  /** The decision, profile and logout APIs: as {@link #validateDevice}, and a JSON body on POST. */
  private void validateHeaders(RoutingContext ctx) {
    validateHeaders(ctx, true);
  }

  private void validateHeaders(RoutingContext ctx, boolean jsonBody) {
    HttpServerRequest req = ctx.request();
    byte[] device = RequestRules.deviceIdentifier(req.getHeader(HeaderNames.DEVICE_IDENTIFIER));
    if (device == null) {
      errors.fail(
          ctx,
          ErrorCode.INVALID_HEADER_DEVICE_IDENTIFIER,
          req.getHeader(HeaderNames.DEVICE_IDENTIFIER) == null
              ? HeaderNames.DEVICE_IDENTIFIER + " header missing"
              : HeaderNames.DEVICE_IDENTIFIER
                  + " must be 'fingerprint <Base64>' of 1 to 256 bytes");
    } else if (!RequestRules.validDeviceInfo(req.getHeader(HeaderNames.DEVICE_INFO))) {
      errors.fail(
          ctx, ErrorCode.INVALID_HEADER_DEVICE_INFO, HeaderNames.DEVICE_INFO + " is not Base64");
    } else if (jsonBody
        && req.method() == HttpMethod.POST
        && !RequestRules.jsonContentType(req.getHeader(HttpHeaders.CONTENT_TYPE))) {
      errors.fail(
          ctx,
          ErrorCode.INVALID_PARAMETER_RESOURCES,
          RequestRules.contentTypeProblem(
              req.getHeader(HttpHeaders.CONTENT_TYPE), "application/json"));
    } else if (!RequestRules.acceptsJson(req.getHeader(HttpHeaders.ACCEPT))) {
      errors.fail(
          ctx,
          ErrorCode.INVALID_HEADER_ACCEPT,
          "Accept names neither application/json nor a wildcard; the API answers JSON only");
    } else {
      ctx.put(HttpVerticle.DEVICE, hasher.device(device));
      ctx.next();
    }
  }
}

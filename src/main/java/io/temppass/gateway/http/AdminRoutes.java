package io.temppass.gateway.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The admin calls of {@link AdminHandlers}: resets and the degradation switch. Admin scope only,
 * never a client's ({@link AccessTokenSteps#admin}).
 */
final class AdminRoutes {
  private final HttpErrors errors;
  private final AccessTokenSteps tokens;
  private final AdminHandlers admin;

  AdminRoutes(HttpErrors errors, AccessTokenSteps tokens, AdminHandlers admin) {
    this.errors = errors;
    this.tokens = tokens;
    this.admin = admin;
  }

  void mount(Router router) {
    // Admin calls: the admin scope, never a client's (AccessTokenSteps#admin).
    errors
        .endpoint(router, AdminHandlers.RESET_PATH, "reset", HttpMethod.DELETE)
        .handler(tokens::admin)
        .handler(admin::reset);
    errors
        .endpoint(router, AdminHandlers.RESET_GENERIC_PATH, "reset", HttpMethod.DELETE)
        .handler(tokens::admin)
        .handler(admin::resetGeneric);
    router
        .route(AdminHandlers.DEGRADATION_PATH)
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(errors.begin("degradation", HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE))
        .handler(tokens::admin)
        .handler(admin::degradation);
  }
}

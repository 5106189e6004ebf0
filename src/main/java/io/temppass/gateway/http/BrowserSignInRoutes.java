package io.temppass.gateway.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * The browser's side of an MVPD sign-in: the step a second-screen code opens ({@code
 * /api/v2/authenticate/{serviceProvider}/{code}}) and the MVPD's callback. No access token, HTML
 * errors (UA). The handlers are {@link SessionsHandler}'s, shared with the V2 API's session routes.
 */
final class BrowserSignInRoutes {
  private final HttpErrors errors;
  private final SessionsHandler sessions;

  BrowserSignInRoutes(HttpErrors errors, SessionsHandler sessions) {
    this.errors = errors;
    this.sessions = sessions;
  }

  void mount(Router router) {
    errors
        .endpoint(router, "/api/v2/authenticate/callback", "authenticate", HttpMethod.GET)
        .handler(sessions::loginComplete);
    errors
        .endpoint(
            router, "/api/v2/authenticate/:serviceProvider/:code", "authenticate", HttpMethod.GET)
        .handler(sessions::loginStart);
  }
}

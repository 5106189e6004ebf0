package io.temppass.gateway.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * The browser's side of an MVPD sign-in: the step a second-screen code opens ({@code
 * /api/v2/authenticate/{serviceProvider}/{code}}), the OAuth MVPD's callback, and for SAML MVPDs
 * the assertion consumer service, the single-logout return and the SP metadata. No access token,
 * HTML errors (UA). The handlers are {@link SessionsHandler}'s, shared with the V2 API's session
 * routes.
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
    // SAML MVPDs: Adobe's own paths for the SP metadata, the assertion consumer service and the
    // single-logout return.
    errors
        .endpoint(router, "/sp/metadata", "sp-metadata", HttpMethod.GET)
        .handler(sessions::spMetadata);
    errors
        .endpoint(router, "/sp/saml/SAMLAssertionConsumer", "authenticate", HttpMethod.POST)
        .handler(sessions::samlAssertion);
    errors
        .endpoint(router, "/sp/saml/LogoutServiceHTTPRedirectResponse", "logout", HttpMethod.GET)
        .handler(sessions::samlLogoutReturn);
  }
}

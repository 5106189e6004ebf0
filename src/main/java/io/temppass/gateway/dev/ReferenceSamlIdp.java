package io.temppass.gateway.dev;

import io.temppass.gateway.saml.IdpMessages;
import io.temppass.gateway.saml.RedirectBinding;
import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.SigningCredential;
import io.temppass.gateway.xml.XmlRejected;
import io.temppass.gateway.xml.XmlSignatures;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.xml.security.algorithms.MessageDigestAlgorithm;
import org.w3c.dom.Document;

/**
 * The reference MVPD's SAML 2.0 identity provider, for development mode's {@code
 * REF30/SAMLReference}: metadata with a signing key made at start, single sign-on over the
 * HTTP-Redirect binding answered at once (no password form) with an auto-submitting HTTP-POST form
 * carrying a Response whose assertion is signed (RSA-SHA256), and single logout answered with a
 * signed LogoutResponse over the redirect binding. Like the OpenID Connect side it is a development
 * tool: one subscriber, no session of its own, the AuthnRequest's signature not checked.
 */
final class ReferenceSamlIdp {
  static final String PATH = ReferenceMvpd.BASE_PATH + "/saml";
  private static final String SP_SLO_PATH = "/sp/saml/LogoutServiceHTTPRedirectResponse";

  private final SigningCredential credential;
  private final String subscriberId;
  private final Map<String, String> attributes;
  private final Predicate<String> redirectAllowed;
  private final java.util.function.Supplier<String> origin;

  /** Where each SP's answers go, learnt from its AuthnRequests (its ACS's origin). */
  private final Map<String, String> spOrigins = new ConcurrentHashMap<>();

  ReferenceSamlIdp(
      SigningCredential credential,
      java.util.function.Supplier<String> origin,
      String subscriberId,
      Map<String, String> attributes,
      Predicate<String> redirectAllowed) {
    this.credential = credential;
    this.origin = origin;
    this.subscriberId = subscriberId;
    this.attributes = attributes;
    this.redirectAllowed = redirectAllowed;
  }

  String entityId() {
    return origin.get() + PATH;
  }

  String metadataUrl() {
    return origin.get() + PATH + "/metadata";
  }

  void mount(Router router) {
    router.get(PATH + "/metadata").handler(this::metadata);
    router.get(PATH + "/sso").handler(this::singleSignOn);
    router.get(PATH + "/slo").handler(this::singleLogout);
  }

  private void metadata(RoutingContext ctx) {
    ctx.response()
        .putHeader("Content-Type", "application/samlmetadata+xml")
        .end(
            new String(
                IdpMessages.metadata(
                    entityId(),
                    origin.get() + PATH + "/sso",
                    origin.get() + PATH + "/slo",
                    List.of(credential)),
                java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Signs the development subscriber in at once: a signed Response posted back to the request's
   * assertion consumer service by a form the browser submits itself.
   */
  private void singleSignOn(RoutingContext ctx) {
    IdpMessages.Request request;
    String relayState;
    try {
      RedirectBinding.Received received =
          RedirectBinding.read(ctx.request().query(), "SAMLRequest", null, false, 65536);
      request = IdpMessages.readRequest(received.xml());
      relayState = received.relayState();
    } catch (XmlRejected e) {
      text(ctx, 400, "Not a SAML AuthnRequest: " + e.getMessage());
      return;
    }
    String acs = request.acsUrl();
    if (acs == null || acs.isEmpty() || !redirectAllowed.test(acs)) {
      text(ctx, 400, "The AssertionConsumerServiceURL is not allowed.");
      return;
    }
    URI acsUri = URI.create(acs);
    spOrigins.put(request.issuer(), acsUri.getScheme() + "://" + acsUri.getRawAuthority());
    Map<String, List<String>> values = new LinkedHashMap<>();
    attributes.forEach((name, value) -> values.put(name, List.of(value)));
    Document response =
        IdpMessages.response(
            new IdpMessages.ResponseSpec(
                entityId(),
                acs,
                request.id(),
                request.issuer(),
                subscriberId,
                values,
                Instant.now(),
                Duration.ofMinutes(5)));
    IdpMessages.sign(
        IdpMessages.assertion(response),
        credential,
        XmlSignatures.rsaSha256(),
        MessageDigestAlgorithm.ALGO_ID_DIGEST_SHA256);
    String encoded = Base64.getEncoder().encodeToString(SecureXml.serialize(response));
    StringBuilder html =
        new StringBuilder(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Reference MVPD</title></head>"
                    + "<body onload=\"document.forms[0].submit()\"><form method=\"post\" action=\"")
            .append(escape(acs))
            .append("\"><input type=\"hidden\" name=\"SAMLResponse\" value=\"")
            .append(encoded)
            .append("\">");
    if (relayState != null)
      html.append("<input type=\"hidden\" name=\"RelayState\" value=\"")
          .append(escape(relayState))
          .append("\">");
    html.append(
        "<noscript><button type=\"submit\">Continue</button></noscript></form></body></html>");
    ctx.response()
        .putHeader("Content-Type", "text/html;charset=UTF-8")
        .putHeader("Cache-Control", "no-store")
        .end(html.toString());
  }

  /** Ends the (notional) IdP session and answers the SP with a signed LogoutResponse. */
  private void singleLogout(RoutingContext ctx) {
    IdpMessages.Request request;
    String relayState;
    try {
      RedirectBinding.Received received =
          RedirectBinding.read(ctx.request().query(), "SAMLRequest", null, false, 65536);
      request = IdpMessages.readRequest(received.xml());
      relayState = received.relayState();
    } catch (XmlRejected e) {
      text(ctx, 400, "Not a SAML LogoutRequest: " + e.getMessage());
      return;
    }
    String spOrigin = spOrigins.get(request.issuer());
    if (spOrigin == null) {
      text(ctx, 200, "Signed out of the reference MVPD.");
      return;
    }
    String destination = spOrigin + SP_SLO_PATH;
    byte[] answer =
        IdpMessages.logoutResponse(entityId(), destination, request.id(), Instant.now());
    ctx.response()
        .setStatusCode(302)
        .putHeader(
            "Location",
            RedirectBinding.signedUrl(
                destination, "SAMLResponse", answer, relayState, credential.privateKey()))
        .putHeader("Cache-Control", "no-store")
        .end();
  }

  private static final Set<Character> ESCAPED = Set.of('&', '<', '>', '"', '\'');

  private static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      if (ESCAPED.contains(c)) out.append("&#").append((int) c).append(';');
      else out.append(c);
    }
    return out.toString();
  }

  private static void text(RoutingContext ctx, int status, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain;charset=UTF-8")
        .end(message + "\n");
  }
}

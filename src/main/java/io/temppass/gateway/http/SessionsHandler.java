package io.temppass.gateway.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.temppass.gateway.bus.MvpdApi;
import io.temppass.gateway.bus.MvpdMessages.BrowserReply;
import io.temppass.gateway.bus.MvpdMessages.Caller;
import io.temppass.gateway.bus.MvpdMessages.LoginComplete;
import io.temppass.gateway.bus.MvpdMessages.LoginStart;
import io.temppass.gateway.bus.MvpdMessages.SessionInfoRequest;
import io.temppass.gateway.bus.MvpdMessages.SessionRequest;
import io.temppass.gateway.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The sessions API (authn digest §2): {@code POST /api/v2/{sp}/sessions} (create), {@code POST
 * /api/v2/{sp}/sessions/{code}} (resume), {@code GET /api/v2/{sp}/sessions/{code}}, and the
 * browser's side: {@code GET /api/v2/authenticate/{sp}/{code}} and the MVPD's redirect back to
 * {@code GET /api/v2/authenticate/callback}. The browser's side answers redirects or HTML pages, as
 * Adobe documents for it; everything else answers JSON.
 */
final class SessionsHandler extends ApiHandler {
  private static final int MAX_FORM_PARAMETERS = 16;
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final int MAX_CALLBACK_PARAMETERS = 16;

  private final MvpdApi mvpd;

  SessionsHandler(Basics basics, MvpdApi mvpd) {
    super(basics);
    this.mvpd = mvpd;
  }

  /**
   * Create or resume: the form body holds whatever of mvpd, domainName and redirectUrl the app has.
   */
  void session(RoutingContext ctx) {
    String code = ctx.pathParam("code");
    Future<Buffer> body = ctx.get(HttpVerticle.BODY);
    body.onComplete(
        ar -> {
          Map<String, String> form = ar.succeeded() ? form(ctx, ar.result()) : null;
          if (form == null) {
            // Not a form at all: nothing to read the parameters from.
            errors.fail(
                ctx, ErrorCode.BAD_REQUEST, formProblem(ctx, ar.succeeded() ? ar.result() : null));
            return;
          }
          SessionRequest request =
              new SessionRequest(
                  ctx.pathParam("serviceProvider"),
                  code,
                  caller(ctx),
                  form.get("mvpd"),
                  form.get("domainName"),
                  form.get("redirectUrl"),
                  ctx.request().getHeader(HeaderNames.DEVICE_INFO));
          replies.answer(
              ctx,
              "mvpd session",
              mvpd.session(request),
              reply -> {
                JsonObject out =
                    action(reply.actionName(), reply.actionType())
                        .put("reasonType", reply.reasonType());
                if (reply.missingParameters() != null)
                  out.put(
                      "missingParameters", new JsonArray(List.copyOf(reply.missingParameters())));
                out.put("url", reply.url());
                if (reply.code() != null) out.put("code", reply.code());
                out.put("sessionId", UUID.randomUUID().toString())
                    .put("serviceProvider", ctx.pathParam("serviceProvider"));
                if (reply.mvpd() != null) out.put("mvpd", reply.mvpd());
                if (reply.code() != null)
                  out.put("notBefore", reply.notBefore()).put("notAfter", reply.notAfter());
                json(ctx, out);
              });
        });
  }

  void info(RoutingContext ctx) {
    SessionInfoRequest request =
        new SessionInfoRequest(
            ctx.pathParam("serviceProvider"), ctx.pathParam("code"), caller(ctx));
    replies.answer(
        ctx,
        "mvpd session info",
        mvpd.sessionInfo(request),
        reply -> {
          JsonObject out =
              new JsonObject()
                  .put(
                      "existingParameters",
                      new JsonObject(new HashMap<>(reply.existingParameters())));
          if (!reply.missingParameters().isEmpty())
            out.put("missingParameters", new JsonArray(List.copyOf(reply.missingParameters())));
          out.put("device", RequestRules.deviceInfo(reply.deviceInfo()))
              .put("notBefore", reply.notBefore())
              .put("notAfter", reply.notAfter());
          json(ctx, out);
        });
  }

  /**
   * The browser step: no access token (a browser, maybe on another screen, follows the session's
   * url).
   */
  void loginStart(RoutingContext ctx) {
    if (!RequestRules.validId(ctx.pathParam("serviceProvider"))) {
      errors
          .renderer()
          .html(
              ctx.response(),
              400,
              "The service provider parameter value is missing or invalid.",
              errors.requestId(ctx));
      return;
    }
    replies.browser(
        ctx,
        "mvpd login start",
        mvpd.loginStart(
            new LoginStart(
                ctx.pathParam("serviceProvider"), ctx.pathParam("code"), errors.requestId(ctx))),
        reply -> browser(ctx, reply));
  }

  /** The MVPD's redirect back, with {@code code} and {@code state} (or {@code error}). */
  void loginComplete(RoutingContext ctx) {
    if (ctx.queryParams().size() > MAX_CALLBACK_PARAMETERS) {
      errors
          .renderer()
          .html(ctx.response(), 400, "The sign-in response is invalid.", errors.requestId(ctx));
      return;
    }
    Map<String, String> query = new HashMap<>();
    for (String name : ctx.queryParams().names()) query.put(name, ctx.queryParams().get(name));
    replies.browser(
        ctx,
        "mvpd login complete",
        mvpd.loginComplete(new LoginComplete(Map.copyOf(query), errors.requestId(ctx))),
        reply -> browser(ctx, reply));
  }

  /**
   * The SAML assertion consumer service: the IdP's HTTP-POST form ({@code SAMLResponse}, {@code
   * RelayState}), continued exactly as the OAuth callback is (the RelayState is the session's
   * state). A body over {@code server.maxBodyBytes} or anything but a form is an error page.
   */
  void samlAssertion(RoutingContext ctx) {
    Future<Buffer> body = ctx.get(HttpVerticle.BODY);
    body.onComplete(
        ar -> {
          Map<String, String> form = ar.succeeded() ? form(ctx, ar.result()) : null;
          if (form == null || form.get("RelayState") == null) {
            errors
                .renderer()
                .html(
                    ctx.response(),
                    400,
                    ar.succeeded() && ar.result() == null
                        ? "The sign-in response is larger than this service accepts."
                        : "The sign-in response is invalid.",
                    errors.requestId(ctx));
            return;
          }
          Map<String, String> answer = new HashMap<>();
          answer.put("state", form.get("RelayState"));
          if (form.get("SAMLResponse") != null)
            answer.put("SAMLResponse", form.get("SAMLResponse"));
          replies.browser(
              ctx,
              "mvpd login complete",
              mvpd.loginComplete(new LoginComplete(Map.copyOf(answer), errors.requestId(ctx))),
              reply -> browser(ctx, reply));
        });
  }

  /** {@code GET /sp/metadata[?mvpd=]}: the SAML service provider's metadata. */
  void spMetadata(RoutingContext ctx) {
    String mvpdId = ctx.queryParams().get("mvpd");
    replies.browser(
        ctx,
        "sp metadata",
        mvpd.spMetadata(
            new io.temppass.gateway.bus.MvpdMessages.SpMetadataRequest(
                mvpdId == null || mvpdId.isBlank() ? null : mvpdId)),
        reply -> {
          if (reply.xml() == null) {
            errors
                .renderer()
                .html(ctx.response(), reply.status(), reply.message(), errors.requestId(ctx));
          } else {
            ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/samlmetadata+xml")
                .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=300")
                .end(reply.xml());
          }
        });
  }

  /** The IdP's LogoutResponse over the redirect binding: the raw query, for its signature. */
  void samlLogoutReturn(RoutingContext ctx) {
    String query = ctx.request().query();
    if (query == null || query.length() > 16 * 1024) {
      errors
          .renderer()
          .html(ctx.response(), 400, "The sign-out response is invalid.", errors.requestId(ctx));
      return;
    }
    replies.browser(
        ctx,
        "mvpd logout return",
        mvpd.logoutReturn(
            new io.temppass.gateway.bus.MvpdMessages.LogoutReturn(query, errors.requestId(ctx))),
        reply -> browser(ctx, reply));
  }

  private void browser(RoutingContext ctx, BrowserReply reply) {
    if (reply.location() != null) {
      ctx.response()
          .setStatusCode(302)
          .putHeader(HttpHeaders.LOCATION, reply.location())
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end();
    } else if (reply.status() == 200) {
      ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end(reply.message());
    } else {
      errors
          .renderer()
          .html(ctx.response(), reply.status(), reply.message(), errors.requestId(ctx));
    }
  }

  /** What Adobe's session and logout answers begin with: the action the app takes next. */
  static JsonObject action(String actionName, String actionType) {
    return new JsonObject().put("actionName", actionName).put("actionType", actionType);
  }

  static Caller caller(RoutingContext ctx) {
    return new Caller(ctx.get(HttpVerticle.DEVICE), ctx.get(HttpVerticle.CLIENT));
  }

  /** Why {@link #form} found no form, for the error's details. */
  private static String formProblem(RoutingContext ctx, Buffer body) {
    if (body == null) return "the body is larger than server.maxBodyBytes";
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null
        || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded"))
      return RequestRules.contentTypeProblem(type, FORM)
          + ": the sessions API reads mvpd, domainName and redirectUrl as form fields";
    return "the body is not valid " + FORM + " (a % must be followed by two hex digits)";
  }

  /**
   * The form body ({@code application/x-www-form-urlencoded}; an empty body is no parameters). A
   * parameter given empty counts as missing. Null when the body is not such a form.
   */
  private static Map<String, String> form(RoutingContext ctx, Buffer body) {
    if (body == null) return null;
    Map<String, String> out = new HashMap<>();
    if (body.length() == 0) return out;
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null
        || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded"))
      return null;
    try {
      QueryStringDecoder decoder =
          new QueryStringDecoder(
              body.toString(StandardCharsets.UTF_8),
              StandardCharsets.UTF_8,
              false,
              MAX_FORM_PARAMETERS,
              // WHATWG URL-encoded forms separate fields with '&' only: a ';' is part of a value
              // (redirectUrl=http://host/a;b), not the start of another field.
              true);
      for (Map.Entry<String, List<String>> e : decoder.parameters().entrySet()) {
        String value = e.getValue().isEmpty() ? null : e.getValue().get(0);
        if (value != null && !value.isBlank()) out.put(e.getKey(), value.strip());
      }
      return out;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}

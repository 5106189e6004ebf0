package io.temppass.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.temppass.gateway.client.ClientRegistration;
import io.temppass.gateway.client.OAuthError;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adobe's DCR API, {@code POST /o/client/register} and {@code POST /o/client/token}: HTTP only
 * (what is read from where, and the OAuth answers); the rules are {@link ClientRegistration}'s. The
 * throttle and the body collection in front of these routes are {@link HttpVerticle}'s, as on
 * {@code /api/v2/}.
 */
final class ClientRegistrationRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(ClientRegistrationRoutes.class);
  static final String PREFIX = "/o/client/*";
  static final String REGISTER_PATH = "/o/client/register";
  static final String TOKEN_PATH = "/o/client/token";
  private static final List<String> TOKEN_PARAMETERS =
      List.of("client_id", "client_secret", "grant_type");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final ClientRegistration clients;
  private final HttpErrors errors;

  /** {@code clients} is null when the gateway has no statement key: every call is then refused. */
  ClientRegistrationRoutes(ClientRegistration clients, HttpErrors errors) {
    this.clients = clients;
    this.errors = errors;
  }

  void mount(Router router) {
    errors
        .endpoint(router, REGISTER_PATH, "client-register", HttpMethod.POST)
        .handler(this::register);
    errors.endpoint(router, TOKEN_PATH, "client-token", HttpMethod.POST).handler(this::token);
  }

  private void register(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    body(ctx)
        .onComplete(
            ar -> {
              Buffer body = ar.succeeded() ? ar.result() : null;
              if (body == null) {
                fail(ctx, OAuthError.INVALID_REQUEST, "the body is missing or too large");
              } else if (!RequestRules.jsonContentType(req.getHeader(HttpHeaders.CONTENT_TYPE))) {
                fail(ctx, OAuthError.INVALID_REQUEST, "Content-Type must be application/json");
              } else if (!deviceInfoValid(ctx)) {
                return;
              } else if (clients == null) {
                fail(
                    ctx,
                    OAuthError.INVALID_SOFTWARE_STATEMENT,
                    "this gateway has no statement key (dcr.statementKeys)");
              } else {
                register(ctx, body);
              }
            });
  }

  private void register(RoutingContext ctx, Buffer body) {
    JsonNode json;
    try {
      if (!RequestRules.wellFormedUtf8(body.getBytes())) throw new IllegalArgumentException();
      json = JSON.readTree(body.getBytes());
    } catch (java.io.IOException | RuntimeException e) {
      // Jackson's message may quote the body: only the kind of fault is said.
      fail(ctx, OAuthError.INVALID_REQUEST, "the body is not a JSON object (or repeats a field)");
      return;
    }
    if (json == null || !json.isObject()) {
      fail(ctx, OAuthError.INVALID_REQUEST, "the body must be a JSON object");
      return;
    }
    JsonNode statement = json.get("software_statement");
    JsonNode redirect = json.get("redirect_uri");
    if (statement == null || !statement.isTextual() || statement.asText().isBlank()) {
      fail(ctx, OAuthError.INVALID_REQUEST, "software_statement (a string) is required");
    } else if (redirect != null && !redirect.isNull() && !redirect.isTextual()) {
      fail(ctx, OAuthError.INVALID_REQUEST, "redirect_uri must be a string");
    } else {
      String redirectUri = redirect == null || redirect.isNull() ? null : redirect.asText();
      answer(ctx, clients.register(statement.asText().strip(), redirectUri));
    }
  }

  /**
   * The three parameters from the form body or the query string (Adobe's samples use both), each
   * exactly once over the two; credentials in {@code Authorization} as well are a second client
   * authentication, which Adobe refuses.
   */
  private void token(RoutingContext ctx) {
    body(ctx)
        .onComplete(
            ar -> {
              Buffer body = ar.succeeded() ? ar.result() : null;
              Map<String, List<String>> form = body == null ? null : form(ctx, body);
              if (form == null) {
                fail(
                    ctx,
                    OAuthError.INVALID_REQUEST,
                    "the body must be application/x-www-form-urlencoded (or empty, with the query)");
                return;
              }
              if (!deviceInfoValid(ctx)) return;
              if (ctx.request().getHeader(HttpHeaders.AUTHORIZATION) != null) {
                fail(
                    ctx,
                    OAuthError.INVALID_REQUEST,
                    "send client_id and client_secret as parameters only, not also in Authorization");
                return;
              }
              String[] values = new String[TOKEN_PARAMETERS.size()];
              for (int i = 0; i < values.length; i++) {
                String name = TOKEN_PARAMETERS.get(i);
                List<String> all = new ArrayList<>(ctx.queryParams().getAll(name));
                all.addAll(form.getOrDefault(name, List.of()));
                if (all.size() != 1 || all.get(0).isBlank()) {
                  fail(
                      ctx,
                      OAuthError.INVALID_REQUEST,
                      name + (all.isEmpty() ? " is required" : " must be given once, not empty"));
                  return;
                }
                values[i] = all.get(0);
              }
              if (clients == null) {
                fail(ctx, OAuthError.INVALID_CLIENT, "this gateway issues no client credentials");
                return;
              }
              answer(ctx, clients.token(values[0], values[1], values[2]));
            });
  }

  /** The body collected by {@link HttpVerticle}'s first step, or null when over the limit. */
  private static Future<Buffer> body(RoutingContext ctx) {
    return ctx.get(HttpVerticle.BODY);
  }

  /** The parameters of a form body; empty for an empty body; null for any other body. */
  private static Map<String, List<String>> form(RoutingContext ctx, Buffer body) {
    if (body.length() == 0) return Map.of();
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null
        || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")
        || !RequestRules.wellFormedUtf8(body.getBytes())) return null;
    try {
      return new QueryStringDecoder(body.toString(StandardCharsets.UTF_8), false).parameters();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * {@code X-Device-Info} is optional here (Adobe falls back on what it can infer) but not
   * malformed.
   */
  private boolean deviceInfoValid(RoutingContext ctx) {
    if (RequestRules.validDeviceInfo(ctx.request().getHeader(HeaderNames.DEVICE_INFO))) return true;
    fail(ctx, OAuthError.INVALID_REQUEST, "X-Device-Info must be Base64-encoded JSON");
    return false;
  }

  private void answer(RoutingContext ctx, ClientRegistration.Outcome outcome) {
    if (outcome.error() != null) {
      fail(ctx, outcome.error(), outcome.description());
      return;
    }
    ctx.response()
        .setStatusCode(201)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json;charset=UTF-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(outcome.created().toBuffer());
  }

  private void fail(RoutingContext ctx, OAuthError error, String description) {
    errors
        .about(ctx, LOG.atDebug())
        .log("client registration refused: {}: {}", error.code, description);
    errors.renderer().oauth(ctx.response(), error.code, description);
  }
}

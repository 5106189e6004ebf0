package io.temppass.gateway.http;

import io.temppass.gateway.error.ErrorCode;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids and top-level errors for route handlers: every handler fails through here. */
public final class HttpErrors {
  static final String REQUEST_ID = "requestId";

  private final ErrorRenderer renderer;

  public HttpErrors(ErrorRenderer renderer) {
    this.renderer = renderer;
  }

  public ErrorRenderer renderer() {
    return renderer;
  }

  /** The client's own {@code X-Request-Id} when sane (load balancers set one), else a fresh one; echoed back. */
  public void assignRequestId(RoutingContext ctx) {
    if (ctx.get(REQUEST_ID) != null) return;
    String id = RequestRules.acceptedRequestId(ctx.request().getHeader("X-Request-Id"));
    if (id == null) id = randomId();
    ctx.put(REQUEST_ID, id);
    ctx.response().putHeader("X-Request-Id", id);
  }

  public String requestId(RoutingContext ctx) {
    String id = ctx.get(REQUEST_ID);
    if (id == null) {
      assignRequestId(ctx);
      id = ctx.get(REQUEST_ID);
    }
    return id;
  }

  public void fail(RoutingContext ctx, ErrorCode error) {
    renderer.topLevel(ctx.response(), error, requestId(ctx));
  }

  /** Unique, not secret: a random UUID from a thread-local generator rather than contended SecureRandom. */
  public static String randomId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
  }
}

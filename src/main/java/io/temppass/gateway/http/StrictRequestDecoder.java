package io.temppass.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.temppass.gateway.error.ErrorCode;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's HTTP/1.x request decoder, made strict where request smuggling and slow clients live. It
 * replaces the decoder Vert.x puts in each connection's pipeline (see {@link HttpVerticle}); Vert.x
 * offers no public hook at this level, and these rules need the raw framing, which the request API
 * no longer shows (Netty silently drops {@code Content-Length} when {@code Transfer-Encoding} is
 * present).
 *
 * <ul>
 *   <li><b>Framing (RFC 9112 §6.1):</b> a request carrying both {@code Content-Length} and {@code
 *       Transfer-Encoding}, or a transfer coding other than exactly {@code chunked} ({@code
 *       xchunked}, {@code gzip, chunked}), is refused, and nothing more is read from the
 *       connection: whatever follows could be a second request hidden in the first one's body.
 *   <li><b>Malformed chunks:</b> a chunked request is held here until its body is complete (bodies
 *       are small: {@code server.maxBodyBytes}), so that a malformed chunk size turns the whole
 *       request into a refused one, answered with a JSON 400, instead of a connection dropped
 *       mid-request.
 *   <li><b>Request line:</b> only {@code HTTP/1.0} and {@code HTTP/1.1}, only origin-form ({@code
 *       /path}) or absolute-form ({@code http://host/path}) targets, never {@code CONNECT}. {@code
 *       OPTIONS *}, relative targets and {@code HTTP/2.0} request lines otherwise reach the router
 *       in shapes it cannot route.
 *   <li><b>Header deadline per request:</b> from the first byte of each request (the first one:
 *       from the connection's opening) its headers must be complete within {@code
 *       server.requestHeaderTimeout}, else the connection is closed. Counting per request, not per
 *       connection, is what stops a client from trickling the second request on a kept-alive
 *       connection for ever; counting from the first byte, not from the previous response, leaves
 *       idle kept-alive connections to {@code server.idleTimeout}, as load balancers expect.
 * </ul>
 *
 * <p>A refused request reaches Vert.x with a failed decoder result carrying a {@link Refused}, so
 * the invalid-request handler renders its Enhanced Error and closes the connection. All of this
 * runs on the connection's event loop.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  /** Why a request was refused before any handler saw it, and the Enhanced Error it gets. */
  static final class Refused extends RuntimeException {
    final transient ErrorCode error;

    Refused(ErrorCode error, String reason) {
      super(reason, null, false, false);
      this.error = error;
    }
  }

  private final long headerTimeoutMillis;
  private final int maxHeldBodyBytes;

  /** True when the next byte received starts a new request. */
  private boolean betweenRequests = true;

  /**
   * Set once a request is refused: the rest of the stream cannot be framed safely and is dropped.
   */
  private boolean refused;

  private ScheduledFuture<?> headerDeadline;

  /** Set by {@link #createMessage} when the request line itself is refused. */
  private Refused lineRefusal;

  /**
   * A chunked request and its chunks so far, held until the last chunk (or more than
   * maxHeldBodyBytes).
   */
  private List<HttpContent> heldChunks;

  private HttpRequest heldRequest;
  private int heldBytes;

  StrictRequestDecoder(HttpServerOptions options, long headerTimeoutMillis, int maxHeldBodyBytes) {
    super(options);
    this.headerTimeoutMillis = headerTimeoutMillis;
    this.maxHeldBodyBytes = maxHeldBodyBytes;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    // The first request's clock starts with the connection: a client that connects and sends
    // nothing, or one byte, is bounded the same way.
    armDeadline(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    releaseHeld();
    super.handlerRemoved0(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancelDeadline();
    super.channelInactive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (betweenRequests && in.isReadable()) armDeadline(ctx);
    int from = out.size();
    super.decode(ctx, in, out);
    List<Object> produced = new ArrayList<>(out.subList(from, out.size()));
    out.subList(from, out.size()).clear();
    for (Object message : produced) {
      if (refused) {
        ReferenceCountUtil.release(message);
      } else if (message instanceof HttpRequest request) {
        onRequest(request, out);
      } else if (message instanceof HttpContent content) {
        onContent(content, out);
      } else {
        out.add(message);
      }
    }
    if (refused) {
      in.skipBytes(in.readableBytes());
      cancelDeadline();
    } else if (betweenRequests && in.isReadable()) {
      armDeadline(ctx);
    }
  }

  private void onRequest(HttpRequest request, List<Object> out) {
    betweenRequests = false;
    Refused why =
        !request.decoderResult().isSuccess()
            ? null
            : lineRefusal != null ? lineRefusal : framing(request);
    lineRefusal = null;
    if (why != null) request.setDecoderResult(DecoderResult.failure(why));
    if (!request.decoderResult().isSuccess()) {
      refused = true;
      cancelDeadline();
      out.add(request);
    } else if (HttpUtil.isTransferEncodingChunked(request)
        && !HttpUtil.is100ContinueExpected(request)) {
      // A client expecting 100 Continue sends no body until the request is seen, so is never held.
      // The deadline keeps running while the request is held: a held request is invisible to
      // Vert.x's request timeout, so its whole body must arrive within the header deadline.
      heldRequest = request;
      heldChunks = new ArrayList<>();
      heldBytes = 0;
    } else {
      cancelDeadline();
      out.add(request);
    }
  }

  private void onContent(HttpContent content, List<Object> out) {
    boolean last = content instanceof LastHttpContent;
    if (!content.decoderResult().isSuccess()) {
      refused = true;
      cancelDeadline();
      if (heldRequest != null) {
        ReferenceCountUtil.release(content);
        HttpRequest request = heldRequest;
        releaseHeld();
        request.setDecoderResult(
            DecoderResult.failure(new Refused(ErrorCode.BAD_REQUEST, "malformed chunked body")));
        out.add(request);
      } else {
        // Too large to have been held: Vert.x already has the request, and fails the connection.
        out.add(content);
      }
      return;
    }
    if (heldRequest != null) {
      heldChunks.add(content);
      heldBytes += content.content().readableBytes();
      if (last || heldBytes > maxHeldBodyBytes) {
        // Complete, or already too large for any valid request: hand it on (the body limit
        // answers).
        cancelDeadline();
        out.add(heldRequest);
        out.addAll(heldChunks);
        heldRequest = null;
        heldChunks = null;
      }
    } else {
      out.add(content);
    }
    if (last) betweenRequests = true;
  }

  /** RFC 9112 §6.1: a length that two headers could disagree on is refused, never guessed. */
  private static Refused framing(HttpRequest request) {
    List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (codings.isEmpty()) return null;
    if (request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      return new Refused(ErrorCode.BAD_REQUEST, "both Content-Length and Transfer-Encoding");
    }
    if (codings.size() != 1 || !codings.get(0).strip().equalsIgnoreCase("chunked")) {
      return new Refused(ErrorCode.BAD_REQUEST, "unsupported Transfer-Encoding");
    }
    return null;
  }

  /**
   * Netty's default drops Content-Length and trusts the chunks; a smuggling attempt is refused
   * instead.
   */
  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    throw new Refused(ErrorCode.BAD_REQUEST, "both Content-Length and Transfer-Encoding");
  }

  @Override
  protected HttpMessage createMessage(String[] initialLine) {
    lineRefusal = requestLine(initialLine[0], initialLine[1], initialLine[2]);
    // A neutral request line, so nothing downstream trips over the odd one; the refusal, applied
    // once the headers are decoded (Netty resets the result until then), says why.
    return super.createMessage(
        lineRefusal == null ? initialLine : new String[] {"GET", "/", "HTTP/1.1"});
  }

  private static Refused requestLine(String method, String target, String version) {
    String v = version.toUpperCase(Locale.ROOT);
    if (!v.equals("HTTP/1.1") && !v.equals("HTTP/1.0")) {
      return new Refused(
          ErrorCode.HTTP_VERSION_NOT_SUPPORTED,
          "HTTP version " + v.substring(0, Math.min(v.length(), 16)));
    }
    if (method.equals("CONNECT")) return new Refused(ErrorCode.BAD_REQUEST, "CONNECT");
    boolean originForm = target.startsWith("/");
    boolean absoluteForm =
        target.regionMatches(true, 0, "http://", 0, 7)
            || target.regionMatches(true, 0, "https://", 0, 8);
    if (!originForm && !absoluteForm)
      return new Refused(
          ErrorCode.BAD_REQUEST, "request target is neither a path nor an absolute URL");
    return null;
  }

  private void armDeadline(ChannelHandlerContext ctx) {
    if (headerDeadline != null) return;
    headerDeadline =
        ctx.executor()
            .schedule(
                () -> {
                  headerDeadline = null;
                  ctx.channel().close();
                },
                headerTimeoutMillis,
                TimeUnit.MILLISECONDS);
  }

  private void cancelDeadline() {
    if (headerDeadline != null) {
      headerDeadline.cancel(false);
      headerDeadline = null;
    }
  }

  private void releaseHeld() {
    if (heldChunks != null) heldChunks.forEach(ReferenceCountUtil::release);
    heldChunks = null;
    heldRequest = null;
  }
}

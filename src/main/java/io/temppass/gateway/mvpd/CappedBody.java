package io.temppass.gateway.mvpd;

import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.mvpd.MvpdAuthorizer.MvpdCallException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * An MVPD's answer read into memory up to {@link #MAX_BYTES}, for every call the gateway makes to
 * an MVPD with its own client (authorization, user-info, discovery of the end-session endpoint).
 * Web client's own codecs read a body whole, however large: an MVPD (or whatever answers at its
 * address) sending megabytes would have them held on the heap. Beyond the cap the call fails as
 * {@code network_received_error}, as any other answer that is not the contract.
 */
final class CappedBody implements BodyCodec<Buffer> {
  /** A decision, a user-info object or a discovery document is a few KiB; 256 KiB is ample. */
  static final int MAX_BYTES = 256 * 1024;

  static final CappedBody MVPD_ANSWER = new CappedBody(MAX_BYTES);

  private final int maxBytes;

  CappedBody(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public BodyStream<Buffer> stream() {
    return new Stream(maxBytes);
  }

  private static final class Stream implements BodyStream<Buffer> {
    private final int maxBytes;
    private final Buffer body = Buffer.buffer();
    private final Promise<Buffer> result = Promise.promise();

    Stream(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public Future<Buffer> result() {
      return result.future();
    }

    @Override
    public void handle(Throwable failure) {
      result.tryFail(failure);
    }

    @Override
    public Future<Void> write(Buffer data) {
      if (result.future().isComplete()) return Future.failedFuture("answer refused");
      if (body.length() + data.length() > maxBytes) {
        MvpdCallException tooLarge =
            new MvpdCallException(
                ErrorCode.NETWORK_RECEIVED_ERROR, "MVPD answer larger than " + maxBytes + " bytes");
        result.tryFail(tooLarge);
        return Future.failedFuture(tooLarge);
      }
      body.appendBuffer(data);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      result.tryComplete(body);
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      return this;
    }
  }
}

package io.temppass.gateway.bus;

import io.temppass.gateway.bus.Messages.SignRequest;
import io.temppass.gateway.bus.Messages.SignedTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.function.Function;

/**
 * The token verticle's service: media tokens for permitted resources. The HTTP side calls it
 * through {@link #overBus}; the token verticle answers through {@link #serve}.
 */
public interface TokenApi {
  Future<SignedTokens> sign(SignRequest request);

  /**
   * Calls over the local event bus; made on the caller's event loop, like {@link
   * TempPassApi#overBus}.
   */
  static TokenApi overBus(Vertx vertx, DeliveryOptions delivery) {
    return BusCalls.client(TokenApi.class, vertx.eventBus(), delivery);
  }

  /**
   * Answers the signing address with {@code signer}. Signing is synchronous CPU work, so the reply
   * is sent at once, without a {@link Future} per request; a signer that throws fails the request
   * with 500 at once.
   */
  static List<MessageConsumer<SignRequest>> serve(
      EventBus bus, Function<SignRequest, SignedTokens> signer) {
    String address = BusAddress.of(TokenApi.class, "sign");
    System.Logger log = System.getLogger(TokenApi.class.getName());
    return SameLoop.<SignRequest>consumers(
        bus,
        address,
        msg -> {
          SignedTokens tokens;
          try {
            tokens = signer.apply(msg.body());
          } catch (RuntimeException e) {
            SameLoop.failed(msg, address, e, log);
            return;
          }
          msg.reply(tokens);
        });
  }
}

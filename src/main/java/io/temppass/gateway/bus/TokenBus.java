package io.temppass.gateway.bus;

import io.temppass.gateway.bus.Messages.SignRequest;
import io.temppass.gateway.bus.Messages.SignedTokens;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

/** {@link TokenApi} over the local event bus. */
final class TokenBus implements TokenApi {
  static final String SIGN = "token.sign";

  private final EventBus bus;
  private final DeliveryOptions delivery;
  private final SameLoop.Route sign = SameLoop.route(SIGN);

  TokenBus(EventBus bus, DeliveryOptions delivery) {
    this.bus = bus;
    this.delivery = delivery;
  }

  @Override
  public Future<SignedTokens> sign(SignRequest request) {
    return sign.request(bus, request, delivery);
  }
}

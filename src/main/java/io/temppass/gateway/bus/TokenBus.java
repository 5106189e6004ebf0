package io.temppass.gateway.bus;

import io.temppass.gateway.bus.Messages.SignRequest;
import io.temppass.gateway.bus.Messages.SignedTokens;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.function.Function;

/** {@link TokenApi} over the local event bus. */
final class TokenBus extends BusClient implements TokenApi {
  static final String SIGN = "token.sign";

  private final Function<SignRequest, Future<SignedTokens>> sign = call(SIGN);

  TokenBus(EventBus bus, DeliveryOptions delivery) {
    super(bus, delivery);
  }

  @Override
  public Future<SignedTokens> sign(SignRequest request) {
    return sign.apply(request);
  }
}

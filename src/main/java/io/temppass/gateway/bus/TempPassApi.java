package io.temppass.gateway.bus;

import io.temppass.gateway.bus.Messages.ProfileOutcome;
import io.temppass.gateway.bus.Messages.ProfileRequest;
import io.temppass.gateway.bus.Messages.ResetRequest;
import io.temppass.gateway.bus.Messages.TempPassOutcome;
import io.temppass.gateway.bus.Messages.TempPassRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;

/**
 * The TempPass verticle's service: decisions, profiles (which never start a clock) and resets. The
 * HTTP side calls it through {@link #overBus}; the TempPass verticle answers through {@link
 * #serve}. A failed future's cause is read with {@link BusFailures#errorCode}.
 */
public interface TempPassApi {
  Future<TempPassOutcome> decide(TempPassRequest request);

  Future<ProfileOutcome> profile(ProfileRequest request);

  Future<Void> reset(ResetRequest request);

  /**
   * Calls over the local event bus, each waiting at most {@code delivery}'s timeout. Made on the
   * caller's event loop, so each call goes to the TempPass verticle on that same loop ({@link
   * SameLoop}).
   */
  static TempPassApi overBus(Vertx vertx, DeliveryOptions delivery) {
    return BusCalls.client(TempPassApi.class, vertx.eventBus(), delivery);
  }

  /**
   * Answers the TempPass addresses with {@code service}; returns the consumers, for {@link
   * SameLoop#unregister}.
   */
  static List<MessageConsumer<?>> serve(EventBus bus, TempPassApi service, System.Logger log) {
    return BusCalls.serve(bus, TempPassApi.class, service, log);
  }
}

package io.temppass.gateway.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;

/**
 * The MVPD verticle's services: sessions, the browser's login steps, profiles and logout ({@link
 * MvpdSessionsApi}), and authorization ({@link MvpdAuthorizationApi}). The HTTP side calls them
 * through {@link #overBus}; the MVPD verticle answers through {@link #serve}. A failed future means
 * the state store was unavailable; read its cause with {@link BusFailures#errorCode}.
 */
public interface MvpdApi extends MvpdSessionsApi, MvpdAuthorizationApi {
  /**
   * Calls over the local event bus, each waiting at most {@code delivery}'s timeout (an MVPD
   * decision may wait its whole deadline on the MVPD); made on the caller's event loop ({@link
   * SameLoop}).
   */
  static MvpdApi overBus(Vertx vertx, DeliveryOptions delivery) {
    return BusCalls.client(MvpdApi.class, vertx.eventBus(), delivery);
  }

  /**
   * Answers the MVPD addresses with the two services; returns the consumers, for {@link
   * SameLoop#unregister}.
   */
  static List<MessageConsumer<?>> serve(
      EventBus bus,
      MvpdSessionsApi sessions,
      MvpdAuthorizationApi authorization,
      System.Logger log) {
    List<MessageConsumer<?>> consumers = new ArrayList<>();
    consumers.addAll(BusCalls.serve(bus, MvpdSessionsApi.class, sessions, log));
    consumers.addAll(BusCalls.serve(bus, MvpdAuthorizationApi.class, authorization, log));
    return consumers;
  }
}

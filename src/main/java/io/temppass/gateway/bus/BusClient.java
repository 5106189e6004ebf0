package io.temppass.gateway.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.function.Function;

/**
 * What the event-bus implementations of the service interfaces share: each service call is one
 * request on the local bus and its reply. A subclass is made on the caller's event loop and makes
 * its calls with {@link #call} in its field initialisers, so every call's route is chosen once, for
 * that loop ({@link SameLoop}), and a request allocates nothing beyond the bus's own message.
 */
abstract class BusClient {
  private final EventBus bus;
  private final DeliveryOptions delivery;

  BusClient(EventBus bus, DeliveryOptions delivery) {
    this.bus = bus;
    this.delivery = delivery;
  }

  /**
   * The service at {@code address}: a request's reply body, or a failed future (read with {@link
   * BusFailures#errorCode}). {@code Q} and {@code R} are what the service answering that address
   * takes and returns ({@link SameLoop#serve}).
   */
  final <Q, R> Function<Q, Future<R>> call(String address) {
    SameLoop.Route route = SameLoop.route(address);
    return request -> bus.<R>request(route.address(), request, delivery).map(Message::body);
  }
}

package io.temppass.gateway.bus;

import io.temppass.gateway.bus.Messages.ProfileOutcome;
import io.temppass.gateway.bus.Messages.ProfileRequest;
import io.temppass.gateway.bus.Messages.ResetRequest;
import io.temppass.gateway.bus.Messages.TempPassOutcome;
import io.temppass.gateway.bus.Messages.TempPassRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

/**
 * {@link TempPassApi} over the local event bus: one request and its reply per call, as before the
 * interface.
 */
final class TempPassBus implements TempPassApi {
  static final String DECIDE = "temppass.decide";
  static final String PROFILE = "temppass.profile";
  static final String RESET = "temppass.reset";

  private final EventBus bus;
  private final DeliveryOptions delivery;

  /** Made on the caller's event loop, once: the routes are fields, not per-call objects. */
  private final SameLoop.Route decide = SameLoop.route(DECIDE);

  private final SameLoop.Route profile = SameLoop.route(PROFILE);
  private final SameLoop.Route reset = SameLoop.route(RESET);

  TempPassBus(EventBus bus, DeliveryOptions delivery) {
    this.bus = bus;
    this.delivery = delivery;
  }

  @Override
  public Future<TempPassOutcome> decide(TempPassRequest request) {
    return decide.request(bus, request, delivery);
  }

  @Override
  public Future<ProfileOutcome> profile(ProfileRequest request) {
    return profile.request(bus, request, delivery);
  }

  @Override
  public Future<Void> reset(ResetRequest request) {
    return reset.request(bus, request, delivery);
  }
}

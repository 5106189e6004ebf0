package io.temppass.gateway.bus;

import io.temppass.gateway.bus.Messages.ProfileOutcome;
import io.temppass.gateway.bus.Messages.ProfileRequest;
import io.temppass.gateway.bus.Messages.ResetRequest;
import io.temppass.gateway.bus.Messages.TempPassOutcome;
import io.temppass.gateway.bus.Messages.TempPassRequest;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import java.util.function.Function;

/**
 * {@link TempPassApi} over the local event bus: one request and its reply per call, as before the
 * interface.
 */
final class TempPassBus extends BusClient implements TempPassApi {
  static final String DECIDE = "temppass.decide";
  static final String PROFILE = "temppass.profile";
  static final String RESET = "temppass.reset";

  /** Made on the caller's event loop, once: the routes are fields, not per-call objects. */
  private final Function<TempPassRequest, Future<TempPassOutcome>> decide = call(DECIDE);

  private final Function<ProfileRequest, Future<ProfileOutcome>> profile = call(PROFILE);
  private final Function<ResetRequest, Future<Void>> reset = call(RESET);

  TempPassBus(EventBus bus, DeliveryOptions delivery) {
    super(bus, delivery);
  }

  @Override
  public Future<TempPassOutcome> decide(TempPassRequest request) {
    return decide.apply(request);
  }

  @Override
  public Future<ProfileOutcome> profile(ProfileRequest request) {
    return profile.apply(request);
  }

  @Override
  public Future<Void> reset(ResetRequest request) {
    return reset.apply(request);
  }
}

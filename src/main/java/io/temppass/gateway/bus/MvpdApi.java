package io.temppass.gateway.bus;

import io.temppass.gateway.bus.MvpdMessages.AuthorizeReply;
import io.temppass.gateway.bus.MvpdMessages.AuthorizeRequest;
import io.temppass.gateway.bus.MvpdMessages.BrowserReply;
import io.temppass.gateway.bus.MvpdMessages.LoginComplete;
import io.temppass.gateway.bus.MvpdMessages.LoginStart;
import io.temppass.gateway.bus.MvpdMessages.LogoutReply;
import io.temppass.gateway.bus.MvpdMessages.LogoutRequest;
import io.temppass.gateway.bus.MvpdMessages.ProfilesReply;
import io.temppass.gateway.bus.MvpdMessages.ProfilesRequest;
import io.temppass.gateway.bus.MvpdMessages.SessionInfoReply;
import io.temppass.gateway.bus.MvpdMessages.SessionInfoRequest;
import io.temppass.gateway.bus.MvpdMessages.SessionReply;
import io.temppass.gateway.bus.MvpdMessages.SessionRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;

/**
 * The MVPD verticle's service: sessions, the browser's login steps, profiles, authorization and
 * logout. The HTTP side calls it through {@link #overBus}; the MVPD verticle answers through
 * {@link #serve}. A failed future means the state store was unavailable; read its cause with
 * {@link BusFailures#errorCode}.
 */
public interface MvpdApi {
  Future<SessionReply> session(SessionRequest request);

  Future<SessionInfoReply> info(SessionInfoRequest request);

  Future<BrowserReply> loginStart(LoginStart request);

  Future<BrowserReply> loginComplete(LoginComplete request);

  Future<ProfilesReply> profiles(ProfilesRequest request);

  Future<AuthorizeReply> authorize(AuthorizeRequest request);

  Future<LogoutReply> logout(LogoutRequest request);

  /**
   * Calls over the local event bus, each waiting at most {@code delivery}'s timeout (an MVPD decision
   * may wait its whole deadline on the MVPD); made on the caller's event loop ({@link SameLoop}).
   */
  static MvpdApi overBus(Vertx vertx, DeliveryOptions delivery) {
    return new MvpdBus(vertx.eventBus(), delivery);
  }

  /** Answers the MVPD addresses with {@code service}; returns the consumers, for {@link SameLoop#unregister}. */
  static List<MessageConsumer<?>> serve(EventBus bus, MvpdApi service, System.Logger log) {
    List<MessageConsumer<?>> consumers = new ArrayList<>();
    consumers.addAll(SameLoop.serve(bus, MvpdBus.SESSION, service::session, log));
    consumers.addAll(SameLoop.serve(bus, MvpdBus.SESSION_INFO, service::info, log));
    consumers.addAll(SameLoop.serve(bus, MvpdBus.LOGIN_START, service::loginStart, log));
    consumers.addAll(SameLoop.serve(bus, MvpdBus.LOGIN_COMPLETE, service::loginComplete, log));
    consumers.addAll(SameLoop.serve(bus, MvpdBus.PROFILES, service::profiles, log));
    consumers.addAll(SameLoop.serve(bus, MvpdBus.AUTHORIZE, service::authorize, log));
    consumers.addAll(SameLoop.serve(bus, MvpdBus.LOGOUT, service::logout, log));
    return consumers;
  }
}

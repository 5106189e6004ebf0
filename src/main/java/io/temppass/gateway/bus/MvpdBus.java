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
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;

/** {@link MvpdApi} over the local event bus: one request and its reply per call. */
final class MvpdBus implements MvpdApi {
  static final String SESSION = "mvpd.session";
  static final String SESSION_INFO = "mvpd.session.info";
  static final String LOGIN_START = "mvpd.login.start";
  static final String LOGIN_COMPLETE = "mvpd.login.complete";
  static final String PROFILES = "mvpd.profiles";
  static final String AUTHORIZE = "mvpd.authorize";
  static final String LOGOUT = "mvpd.logout";

  private final EventBus bus;
  private final DeliveryOptions delivery;
  private final SameLoop.Route session = SameLoop.route(SESSION);
  private final SameLoop.Route info = SameLoop.route(SESSION_INFO);
  private final SameLoop.Route loginStart = SameLoop.route(LOGIN_START);
  private final SameLoop.Route loginComplete = SameLoop.route(LOGIN_COMPLETE);
  private final SameLoop.Route profiles = SameLoop.route(PROFILES);
  private final SameLoop.Route authorize = SameLoop.route(AUTHORIZE);
  private final SameLoop.Route logout = SameLoop.route(LOGOUT);

  MvpdBus(EventBus bus, DeliveryOptions delivery) {
    this.bus = bus;
    this.delivery = delivery;
  }

  @Override
  public Future<SessionReply> session(SessionRequest request) {
    return session.request(bus, request, delivery);
  }

  @Override
  public Future<SessionInfoReply> info(SessionInfoRequest request) {
    return info.request(bus, request, delivery);
  }

  @Override
  public Future<BrowserReply> loginStart(LoginStart request) {
    return loginStart.request(bus, request, delivery);
  }

  @Override
  public Future<BrowserReply> loginComplete(LoginComplete request) {
    return loginComplete.request(bus, request, delivery);
  }

  @Override
  public Future<ProfilesReply> profiles(ProfilesRequest request) {
    return profiles.request(bus, request, delivery);
  }

  @Override
  public Future<AuthorizeReply> authorize(AuthorizeRequest request) {
    return authorize.request(bus, request, delivery);
  }

  @Override
  public Future<LogoutReply> logout(LogoutRequest request) {
    return logout.request(bus, request, delivery);
  }
}

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
import java.util.function.Function;

/** {@link MvpdApi} over the local event bus: one request and its reply per call. */
final class MvpdBus extends BusClient implements MvpdApi {
  static final String SESSION = "mvpd.session";
  static final String SESSION_INFO = "mvpd.session.info";
  static final String LOGIN_START = "mvpd.login.start";
  static final String LOGIN_COMPLETE = "mvpd.login.complete";
  static final String PROFILES = "mvpd.profiles";
  static final String AUTHORIZE = "mvpd.authorize";
  static final String LOGOUT = "mvpd.logout";

  private final Function<SessionRequest, Future<SessionReply>> session = call(SESSION);
  private final Function<SessionInfoRequest, Future<SessionInfoReply>> info = call(SESSION_INFO);
  private final Function<LoginStart, Future<BrowserReply>> loginStart = call(LOGIN_START);
  private final Function<LoginComplete, Future<BrowserReply>> loginComplete = call(LOGIN_COMPLETE);
  private final Function<ProfilesRequest, Future<ProfilesReply>> profiles = call(PROFILES);
  private final Function<AuthorizeRequest, Future<AuthorizeReply>> authorize = call(AUTHORIZE);
  private final Function<LogoutRequest, Future<LogoutReply>> logout = call(LOGOUT);

  MvpdBus(EventBus bus, DeliveryOptions delivery) {
    super(bus, delivery);
  }

  @Override
  public Future<SessionReply> session(SessionRequest request) {
    return session.apply(request);
  }

  @Override
  public Future<SessionInfoReply> info(SessionInfoRequest request) {
    return info.apply(request);
  }

  @Override
  public Future<BrowserReply> loginStart(LoginStart request) {
    return loginStart.apply(request);
  }

  @Override
  public Future<BrowserReply> loginComplete(LoginComplete request) {
    return loginComplete.apply(request);
  }

  @Override
  public Future<ProfilesReply> profiles(ProfilesRequest request) {
    return profiles.apply(request);
  }

  @Override
  public Future<AuthorizeReply> authorize(AuthorizeRequest request) {
    return authorize.apply(request);
  }

  @Override
  public Future<LogoutReply> logout(LogoutRequest request) {
    return logout.apply(request);
  }
}

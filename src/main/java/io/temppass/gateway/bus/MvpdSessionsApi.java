package io.temppass.gateway.bus;

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

/**
 * Sessions, the browser's login steps, profiles and logout: the MVPD verticle's session service
 * ({@link MvpdApi}).
 */
public interface MvpdSessionsApi {
  Future<SessionReply> session(SessionRequest request);

  Future<SessionInfoReply> sessionInfo(SessionInfoRequest request);

  Future<BrowserReply> loginStart(LoginStart request);

  Future<BrowserReply> loginComplete(LoginComplete request);

  Future<ProfilesReply> profiles(ProfilesRequest request);

  Future<LogoutReply> logout(LogoutRequest request);

  Future<MvpdMessages.DocumentReply> spMetadata(MvpdMessages.SpMetadataRequest request);

  Future<BrowserReply> logoutReturn(MvpdMessages.LogoutReturn request);
}

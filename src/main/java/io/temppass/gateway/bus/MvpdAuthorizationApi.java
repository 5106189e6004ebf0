package io.temppass.gateway.bus;

import io.temppass.gateway.bus.MvpdMessages.AuthorizeReply;
import io.temppass.gateway.bus.MvpdMessages.AuthorizeRequest;
import io.vertx.core.Future;

/**
 * Decisions of a regular mvpd, through the decision cache: the MVPD verticle's authorization
 * service ({@link MvpdApi}).
 */
public interface MvpdAuthorizationApi {
  Future<AuthorizeReply> authorize(AuthorizeRequest request);
}

package io.temppass.gateway.token;

import io.temppass.gateway.Ids;
import io.temppass.gateway.bus.Messages.SignRequest;
import io.temppass.gateway.bus.Messages.SignedTokens;
import io.temppass.gateway.bus.SameLoop;
import io.temppass.gateway.bus.TokenApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;

/**
 * Signs one media token per permitted resource. Signing is CPU work: with the native provider
 * (12–16 µs a token, load-tests/RESULTS.md "Signing cost per provider") the gateway deploys this
 * verticle on event loops; with the pure-Java providers (about 56–355 µs) on worker threads, so
 * HTTP event loops stay free while tokens are signed.
 */
public final class TokenVerticle extends VerticleBase {
  private final MediaTokenSigner signer;
  private List<MessageConsumer<SignRequest>> consumers = List.of();

  public TokenVerticle(MediaTokenSigner signer) {
    this.signer = signer;
  }

  @Override
  public Future<?> start() {
    consumers = TokenApi.serve(vertx.eventBus(), this::sign);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  private SignedTokens sign(SignRequest req) {
    List<String> tokens = new ArrayList<>(req.resources().size());
    for (String resource : req.resources()) {
      tokens.add(
          signer.sign(
              new MediaTokenClaims(
                  req.serviceProvider(),
                  req.mvpd(),
                  resource,
                  req.notBefore(),
                  req.notBefore(),
                  req.notAfter(),
                  Ids.randomUuid(),
                  req.deviceHash())));
    }
    return new SignedTokens(tokens);
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(SameLoop::unregister).toList());
  }
}

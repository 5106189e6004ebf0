package io.temppass.gateway.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SameLoopTest {

  /** Answers with the name of the thread that handled the message. */
  static final class Echo extends VerticleBase {
    List<MessageConsumer<String>> consumers;

    @Override
    public Future<?> start() {
      consumers =
          SameLoop.consumers(
              vertx.eventBus(),
              "same-loop.echo",
              msg -> msg.reply(Thread.currentThread().getName()));
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    }

    @Override
    public Future<?> stop() {
      return Future.all(consumers.stream().map(SameLoop::unregister).toList());
    }
  }

  /**
   * One consumer per event loop, and a sender on each loop: every request is answered on the
   * sender's own loop, and once the consumers are gone the route falls back to the shared address.
   * Caught when Route.address() always returned the shared address (replies then came from other
   * loops), and when unregister() left the variant registered (the route then still named the
   * variant, which no consumer serves any more).
   */
  @Test
  void requests_stay_on_the_senders_event_loop() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      int loops = 2 * Runtime.getRuntime().availableProcessors();
      String deployment =
          vertx
              .deployVerticle(Echo::new, new DeploymentOptions().setInstances(loops))
              .await(10, TimeUnit.SECONDS);
      for (int i = 0; i < loops; i++) {
        Context sender = vertx.getOrCreateContext();
        Promise<List<String>> answers = Promise.promise();
        sender.runOnContext(
            v -> {
              SameLoop.Route route = SameLoop.route("same-loop.echo");
              String self = Thread.currentThread().getName();
              Future.all(
                      List.of(
                          vertx.eventBus().<String>request(route.address(), "a"),
                          vertx.eventBus().<String>request(route.address(), "b"),
                          vertx.eventBus().<String>request(route.address(), "c")))
                  .map(
                      all ->
                          List.of(
                              self,
                              all.<io.vertx.core.eventbus.Message<String>>resultAt(0).body(),
                              all.<io.vertx.core.eventbus.Message<String>>resultAt(1).body(),
                              all.<io.vertx.core.eventbus.Message<String>>resultAt(2).body()))
                  .onComplete(answers);
            });
        List<String> threads = answers.future().await(10, TimeUnit.SECONDS);
        for (int k = 1; k < threads.size(); k++)
          assertEquals(threads.get(0), threads.get(k), "handled on the sender's loop");
      }
      Context other = vertx.getOrCreateContext();
      Promise<String> routed = Promise.promise();
      other.runOnContext(
          v -> {
            SameLoop.Route route = SameLoop.route("same-loop.echo");
            vertx.undeploy(deployment).onComplete(ar -> routed.complete(route.address()));
          });
      assertEquals(
          "same-loop.echo",
          routed.future().await(10, TimeUnit.SECONDS),
          "no consumer left on the loop: the shared address");
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}

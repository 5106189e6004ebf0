package io.temppass.gateway.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Both event-bus sides are made from the service interfaces ({@link BusCalls}). The addresses are
 * the {@code address} label of {@code temppass_eventbus_timeouts_total}, so a renamed method must
 * not silently rename a published series.
 */
class BusCallsTest {
  @Test
  void everyCallKeepsItsPublishedAddress() {
    java.util.List<String> all = new java.util.ArrayList<>();
    for (Class<?> api : new Class<?>[] {TempPassApi.class, TokenApi.class, MvpdApi.class}) {
      for (Method method : BusCalls.calls(api)) all.add(BusAddress.of(method));
    }
    Set<String> addresses = new TreeSet<>(all);
    assertEquals(addresses.size(), all.size(), "no two calls share an address: " + all);
    assertEquals(
        new TreeSet<>(
            Set.of(
                "temppass.decide",
                "temppass.profile",
                "temppass.reset",
                "token.sign",
                "mvpd.session",
                "mvpd.session.info",
                "mvpd.login.start",
                "mvpd.login.complete",
                "mvpd.profiles",
                "mvpd.authorize",
                "mvpd.logout",
                "mvpd.logout.return",
                "mvpd.sp.metadata")),
        addresses);
  }

  interface TwoArguments {
    io.vertx.core.Future<String> call(String a, String b);
  }

  interface WithDefault extends TokenApi {
    default String describe() {
      return "signs";
    }
  }

  /**
   * The sending side is a proxy: a method that cannot be a call fails when the proxy is made, and a
   * default method runs its own body. Catches: a proxy that throws only at the first use.
   */
  @Test
  void aMethodThatIsNoCallFailsWhenTheProxyIsMade() {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  BusCalls.client(
                      TwoArguments.class,
                      vertx.eventBus(),
                      new io.vertx.core.eventbus.DeliveryOptions()));
      assertEquals(true, e.getMessage().contains("is no bus call"), e.getMessage());
      WithDefault proxy =
          BusCalls.client(
              WithDefault.class, vertx.eventBus(), new io.vertx.core.eventbus.DeliveryOptions());
      assertEquals("signs", proxy.describe());
      assertEquals("WithDefault over the event bus", proxy.toString());
    } finally {
      vertx.close().await();
    }
  }

  /**
   * A service that throws is our own bug: the caller gets a 500 ({@code internal_server_error}) at
   * once, from both kinds of service. Caught breakages: a thrown exception classified like a Redis
   * failure (503, as before the fix), and a signer that throws never replying, so the caller waited
   * the whole delivery timeout.
   */
  @Test
  void aServiceThatThrowsAnswers500AtOnce() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    java.util.List<io.vertx.core.eventbus.MessageConsumer<?>> consumers =
        new java.util.ArrayList<>();
    try {
      LocalCodec.registerAll(vertx.eventBus());
      io.vertx.core.eventbus.DeliveryOptions delivery =
          new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(30_000);
      TempPassApi failing =
          (TempPassApi)
              java.lang.reflect.Proxy.newProxyInstance(
                  TempPassApi.class.getClassLoader(),
                  new Class<?>[] {TempPassApi.class},
                  (self, m, args) -> {
                    throw new IllegalStateException("a bug");
                  });
      // Unregistered at the end: SameLoop remembers variant addresses per thread for the JVM.
      consumers.addAll(TempPassApi.serve(vertx.eventBus(), failing, System.getLogger("test")));
      consumers.addAll(
          TokenApi.serve(
              vertx.eventBus(),
              request -> {
                throw new IllegalStateException("a signing bug");
              }));
      io.vertx.core.Context context = vertx.getOrCreateContext();
      java.util.concurrent.CompletableFuture<Throwable[]> failures =
          new java.util.concurrent.CompletableFuture<>();
      context.runOnContext(
          v -> {
            TempPassApi tempPass = TempPassApi.overBus(vertx, delivery);
            TokenApi tokens = TokenApi.overBus(vertx, delivery);
            io.vertx.core.Future<?> a = tempPass.reset(null);
            io.vertx.core.Future<?> b = tokens.sign(null);
            io.vertx.core.Future.join(a, b)
                .onComplete(ar -> failures.complete(new Throwable[] {a.cause(), b.cause()}));
          });
      long start = System.nanoTime();
      Throwable[] causes = failures.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "answered, not timed out");
      for (Throwable cause : causes) {
        io.vertx.core.eventbus.ReplyException reply = (io.vertx.core.eventbus.ReplyException) cause;
        assertEquals(
            io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE, reply.failureType(), "" + reply);
        assertEquals(500, reply.failureCode(), "" + reply);
      }
    } finally {
      for (io.vertx.core.eventbus.MessageConsumer<?> c : consumers)
        SameLoop.unregister(c).await(5, java.util.concurrent.TimeUnit.SECONDS);
      vertx.close().await();
    }
  }

  @Test
  void aNameThatIsNoCallFailsAtStartUp() {
    assertEquals("token.sign", BusAddress.of(TokenApi.class, "sign"));
    assertThrows(IllegalArgumentException.class, () -> BusAddress.of(TokenApi.class, "signAll"));
  }
}

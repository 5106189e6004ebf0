package io.temppass.gateway.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
                "mvpd.logout")),
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

  @Test
  void aNameThatIsNoCallFailsAtStartUp() {
    assertEquals("token.sign", BusAddress.of(TokenApi.class, "sign"));
    assertThrows(IllegalArgumentException.class, () -> BusAddress.of(TokenApi.class, "signAll"));
  }
}

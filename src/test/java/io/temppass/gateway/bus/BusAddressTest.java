package io.temppass.gateway.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The addresses are the {@code address} label of {@code temppass_eventbus_timeouts_total}, so a
 * renamed method must not silently rename a published series.
 */
class BusAddressTest {
  @Test
  void everyCallKeepsItsPublishedAddress() {
    Set<String> addresses = new TreeSet<>();
    for (Class<?> api : new Class<?>[] {TempPassApi.class, TokenApi.class, MvpdApi.class}) {
      for (Method method : api.getMethods()) {
        if (BusCalls.isCall(method)) addresses.add(BusAddress.of(method));
      }
    }
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

  @Test
  void aNameThatIsNoCallFailsAtStartUp() {
    assertEquals("token.sign", BusAddress.of(TokenApi.class, "sign"));
    assertThrows(IllegalArgumentException.class, () -> BusAddress.of(TokenApi.class, "signAll"));
  }
}

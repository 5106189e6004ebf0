package io.temppass.gateway.bus;

import java.lang.reflect.Method;
import java.util.Map;

/**
 * The event-bus address of each service call: the service's name, a dot, and the method's name with
 * each capital turned into a dot and a small letter ({@code TempPassApi.decide} at {@code
 * temppass.decide}, {@code MvpdSessionsApi.loginStart} at {@code mvpd.login.start}). Both sides
 * read the address here, so they cannot disagree, and addresses never leave this package (they are
 * the {@code address} label of {@code temppass_eventbus_timeouts_total}).
 */
final class BusAddress {
  private static final Map<Class<?>, String> SERVICES =
      Map.of(
          TempPassApi.class, "temppass",
          TokenApi.class, "token",
          MvpdSessionsApi.class, "mvpd",
          MvpdAuthorizationApi.class, "mvpd");

  private BusAddress() {}

  /** The service interfaces whose calls travel on the bus. */
  static java.util.Set<Class<?>> services() {
    return SERVICES.keySet();
  }

  /** The address of {@code method}, a call of one of the services above. */
  static String of(Method method) {
    String service = SERVICES.get(method.getDeclaringClass());
    if (service == null)
      throw new IllegalArgumentException(method + " is not a call of a bus service");
    StringBuilder address = new StringBuilder(service).append('.');
    for (char c : method.getName().toCharArray()) {
      if (Character.isUpperCase(c)) address.append('.').append(Character.toLowerCase(c));
      else address.append(c);
    }
    return address.toString();
  }

  /** The address of {@code service}'s one call named {@code name}; fails if there is none. */
  static String of(Class<?> service, String name) {
    for (Method method : service.getMethods()) {
      if (method.getName().equals(name) && BusCalls.isCall(method)) return of(method);
    }
    throw new IllegalArgumentException(service.getSimpleName() + " has no call named " + name);
  }
}

package io.temppass.gateway.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A service interface over the local event bus, both ways. A <em>call</em> is an abstract method of
 * the interface that takes one message and returns a {@link Future} of the reply; each call is one
 * request at its {@link BusAddress} and its reply. The sending side is a {@link Proxy} of the
 * interface, the answering side consumers per call ({@link SameLoop#serve}), and the messages'
 * codecs come from the calls' signatures ({@link LocalCodec#registerAll}), so a new call is a
 * method on the interface and its implementation, nothing more. The proxy's dispatch and the
 * answer's {@code Method.invoke} cost about 5 and 1 ns a call over direct calls, about 11 ns of a
 * decision's 66 µs of CPU ({@code load-tests/bus/DispatchCost.java}, load-tests/RESULTS.md).
 */
final class BusCalls {
  private BusCalls() {}

  static boolean isCall(Method method) {
    return Modifier.isAbstract(method.getModifiers())
        && method.getParameterCount() == 1
        && method.getReturnType() == Future.class;
  }

  /**
   * The calls of {@code api}. An abstract method of another shape, or a call whose address another
   * call already has, fails here, at start-up, not at its first use.
   */
  static List<Method> calls(Class<?> api) {
    Map<String, Method> calls = new HashMap<>();
    for (Method method : api.getMethods()) {
      if (!isCall(method)) {
        if (Modifier.isAbstract(method.getModifiers()))
          throw new IllegalArgumentException(
              method + " is no bus call: a call takes one message and returns a Future");
        continue;
      }
      // Two services that share a name (the MVPD's two) must not share an address too: the bus
      // would then alternate requests between them.
      Method before = calls.put(BusAddress.of(method), method);
      if (before != null)
        throw new IllegalArgumentException(
            method + " and " + before + " would share the address " + BusAddress.of(method));
    }
    return List.copyOf(calls.values());
  }

  /**
   * {@code api} over the bus: each call waits at most {@code delivery}'s timeout, and a failed
   * future is read with {@link BusFailures#errorCode}. Made on the caller's event loop: every
   * call's route is chosen once, for that loop ({@link SameLoop}), and a request allocates nothing
   * beyond the bus's own message and the proxy's argument array.
   */
  static <T> T client(Class<T> api, EventBus bus, DeliveryOptions delivery) {
    Map<Method, Function<Object, Future<Object>>> calls = new HashMap<>();
    for (Method method : calls(api)) {
      SameLoop.Route route = SameLoop.route(BusAddress.of(method));
      calls.put(method, body -> bus.request(route.address(), body, delivery).map(Message::body));
    }
    String name = api.getSimpleName() + " over the event bus";
    Object proxy =
        Proxy.newProxyInstance(
            api.getClassLoader(),
            new Class<?>[] {api},
            (self, method, args) -> {
              Function<Object, Future<Object>> call = calls.get(method);
              if (call != null) return call.apply(args[0]);
              if (method.isDefault()) return InvocationHandler.invokeDefault(self, method, args);
              return switch (method.getName()) {
                case "equals" -> self == args[0];
                case "hashCode" -> System.identityHashCode(self);
                case "toString" -> name;
                default -> throw new UnsupportedOperationException(method.toString());
              };
            });
    return api.cast(proxy);
  }

  /**
   * Answers every call of {@code api} with {@code service} ({@link SameLoop#serve}); returns the
   * consumers, for {@link SameLoop#unregister}.
   */
  static <T> List<MessageConsumer<?>> serve(
      EventBus bus, Class<T> api, T service, System.Logger log) {
    List<MessageConsumer<?>> consumers = new ArrayList<>();
    for (Method method : calls(api)) {
      consumers.addAll(
          SameLoop.<Object, Object>serve(
              bus, BusAddress.of(method), body -> invoke(method, service, body), log));
    }
    return consumers;
  }

  @SuppressWarnings("unchecked")
  private static Future<Object> invoke(Method method, Object service, Object body) {
    try {
      return (Future<Object>) method.invoke(service, body);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      if (e.getCause() instanceof Error error) throw error;
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}

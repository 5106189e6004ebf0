package io.temppass.gateway.bus;

import io.temppass.gateway.redis.Replies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Event-bus hops that stay on the sender's event loop. A consumer verticle registers its handler at
 * the shared address and at a variant of it named after its own event-loop thread; a sender on that
 * same thread sends to the variant when one is registered there, else to the shared address. The
 * message then never crosses threads: on its own loop, delivery and reply are queued tasks, whereas
 * a hop to another loop wakes that loop (an eventfd write and a context switch each way), which
 * cost the gateway more CPU per request than all its JSON, validation and metrics together.
 *
 * <p>The gateway deploys one TempPass, MVPD and token verticle per event loop, so every HTTP
 * verticle finds its partners on its own loop; where one is missing (a worker-thread token
 * verticle, a loop without an instance) the shared address still reaches every consumer, as before.
 * Thread ids are unique in the JVM, so several Vert.x instances (several gateways in one test)
 * never share a variant.
 */
public final class SameLoop {
  /**
   * Variant address to the number of consumers registered at it (several gateways may share a
   * Vert.x).
   */
  private static final ConcurrentHashMap<String, Integer> REGISTERED = new ConcurrentHashMap<>();

  private SameLoop() {}

  /**
   * Registers {@code handler} at {@code address} and at its variant for the calling thread (a
   * verticle's {@code start()} runs on the verticle's own thread). Both consumers are returned, for
   * {@link #unregister}.
   */
  public static <T> List<MessageConsumer<T>> consumers(
      EventBus bus, String address, Handler<Message<T>> handler) {
    String variant = variant(address, Thread.currentThread());
    MessageConsumer<T> shared = bus.localConsumer(address, handler);
    MessageConsumer<T> local = bus.localConsumer(variant, handler);
    local.completion().onSuccess(v -> REGISTERED.merge(variant, 1, Integer::sum));
    return List.of(shared, local);
  }

  /**
   * A service on the bus: each message's body goes to {@code service}, whose result is the reply; a
   * failed future fails the message with the HTTP status its cause stands for ({@link
   * Replies#failureStatus}: 500 for our data or scripts, 503 for an unavailable Redis), a service
   * that throws with 500; both are logged on {@code log}. The one way the TempPass and MVPD
   * verticles answer.
   */
  public static <T, R> List<MessageConsumer<T>> serve(
      EventBus bus, String address, Function<T, Future<R>> service, System.Logger log) {
    return consumers(
        bus,
        address,
        msg -> {
          Future<R> reply;
          try {
            reply = service.apply(msg.body());
          } catch (RuntimeException e) {
            // Thrown, not a failed future: our own bug, never an unavailable Redis.
            failed(msg, address, e, log);
            return;
          }
          if (reply == null) {
            failed(msg, address, new IllegalStateException("the service returned no future"), log);
            return;
          }
          reply.onComplete(
              ar -> {
                if (ar.succeeded()) {
                  msg.reply(ar.result());
                } else {
                  log.log(System.Logger.Level.WARNING, address + " failed: " + ar.cause());
                  msg.fail(
                      Replies.failureStatus(ar.cause()), String.valueOf(ar.cause().getMessage()));
                }
              });
        });
  }

  /** Fails {@code msg} with 500 for an exception its service threw, logged on {@code log}. */
  static void failed(Message<?> msg, String address, RuntimeException e, System.Logger log) {
    log.log(System.Logger.Level.ERROR, address + " threw", e);
    msg.fail(500, String.valueOf(e.getMessage()));
  }

  /** Unregisters consumers made by {@link #consumers}; the variant stops being chosen first. */
  public static Future<?> unregister(MessageConsumer<?> consumer) {
    if (REGISTERED.containsKey(consumer.address())) {
      REGISTERED.computeIfPresent(consumer.address(), (k, n) -> n == 1 ? null : n - 1);
    }
    return consumer.unregister();
  }

  /** A sender's route to {@code address}, made on the sender's own thread. */
  public static Route route(String address) {
    return new Route(address, Thread.currentThread());
  }

  private static String variant(String address, Thread thread) {
    return address + "@loop-" + thread.getId();
  }

  /**
   * The address to send to from the thread the route was made on; anywhere else, the shared one.
   */
  public static final class Route {
    private final String shared;
    private final String local;
    private final Thread thread;

    private Route(String shared, Thread thread) {
      this.shared = shared;
      this.thread = thread;
      this.local = variant(shared, thread);
    }

    public String address() {
      return Thread.currentThread() == thread && REGISTERED.containsKey(local) ? local : shared;
    }
  }
}

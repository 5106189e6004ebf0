package io.temppass.gateway.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;

/**
 * Zero-copy codec for our own immutable message records. The event bus only ever delivers them
 * locally (every send uses {@code localOnly}), so {@link #transform} hands over the same instance
 * and the wire methods refuse: a message that tried to leave the JVM would be a bug.
 */
public final class LocalCodec<T> implements MessageCodec<T, T> {
  private final String name;

  private LocalCodec(Class<T> type) {
    this.name = "local:" + type.getName();
  }

  /**
   * Registers a codec for every message and reply type of every bus call, read from the calls'
   * signatures, so a new call needs no list kept in step.
   */
  public static void registerAll(EventBus bus) {
    for (Class<?> service : BusAddress.services()) {
      for (Method call : BusCalls.calls(service)) {
        register(bus, call.getParameterTypes()[0]);
        if (call.getGenericReturnType() instanceof ParameterizedType future
            && future.getActualTypeArguments()[0] instanceof Class<?> reply
            && reply != Void.class) register(bus, reply);
      }
    }
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    try {
      bus.registerDefaultCodec(type, new LocalCodec<>(type));
    } catch (IllegalStateException alreadyRegistered) {
      // Several gateways may share one Vert.x instance in tests; the codec is stateless.
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, T t) {
    throw new UnsupportedOperationException(name + " is local-only");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " is local-only");
  }

  @Override
  public T transform(T t) {
    return t;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}

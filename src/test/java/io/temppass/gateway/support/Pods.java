package io.temppass.gateway.support;

import io.temppass.gateway.Gateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Several gateways on one Redis, each in a Vert.x instance of its own (own event loops, Redis pool
 * and event bus), as separate pods would be. Blocking: use from the test thread.
 */
public final class Pods implements AutoCloseable {
  private final List<Vertx> vertxes = new ArrayList<>();
  private final List<Gateway> gateways = new ArrayList<>();

  public static Pods start(JsonObject config, int count) throws Exception {
    JsonObject[] configs = new JsonObject[count];
    java.util.Arrays.fill(configs, config);
    return startEach(configs);
  }

  /** One pod per configuration (pods that need different ports, for example). */
  public static Pods startEach(JsonObject... configs) throws Exception {
    Pods pods = new Pods();
    try {
      for (JsonObject config : configs) {
        Vertx vertx = Vertx.vertx();
        pods.vertxes.add(vertx);
        pods.gateways.add(TestGateway.start(vertx, config.copy()).await(30, TimeUnit.SECONDS));
      }
      return pods;
    } catch (Exception e) {
      pods.close();
      throw e;
    }
  }

  public Gateway gateway(int i) {
    return gateways.get(i);
  }

  public Vertx vertx(int i) {
    return vertxes.get(i);
  }

  public int port(int i) {
    return gateways.get(i).port();
  }

  @Override
  public void close() throws Exception {
    for (Vertx vertx : vertxes) vertx.close().await(10, TimeUnit.SECONDS);
  }
}

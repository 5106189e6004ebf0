package io.temppass.gateway.temppass;

import io.temppass.gateway.bus.Messages.Item;
import io.temppass.gateway.bus.Messages.TempPassOutcome;
import io.temppass.gateway.bus.Messages.TempPassRequest;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.redis.LuaScript;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The TempPass rules (SPEC 4.1 to 4.3), as plain code around the atomic Lua scripts: which script,
 * which keys, and how a script's reply becomes per-resource decisions.
 */
public final class TempPassService {
  static final LuaScript BASIC_AUTHORIZE = LuaScript.load("basic_authorize");
  static final LuaScript PROMO_BIND = LuaScript.load("promo_bind");
  static final LuaScript PROMO_AUTHORIZE = LuaScript.load("promo_authorize");

  private static final int STATE_VALID = 1;
  /** Outlives the trial a little: the binding is written just before the trial's clock starts. */
  private static final long BINDING_MARGIN_MILLIS = 60_000;

  private final ScriptRunner scripts;
  private final KeySchema keys;
  private final ToLongFunction<IntegrationConfig> generations;

  public TempPassService(ScriptRunner scripts, KeySchema keys, ToLongFunction<IntegrationConfig> generations) {
    this.scripts = scripts;
    this.keys = keys;
    this.generations = generations;
  }

  public Future<TempPassOutcome> decide(TempPassRequest request) {
    IntegrationConfig integration = request.integration();
    if (!integration.tempPassUsable()) {
      return Future.succeededFuture(denyAll(request.resources(), ErrorCode.INVALID_CONFIGURATION_TEMPORARY_ACCESS));
    }
    return switch (integration.type()) {
      case TEMPPASS_BASIC -> basic(request);
      case TEMPPASS_PROMOTIONAL -> request.identityHash() == null
          ? Future.succeededFuture(denyAll(request.resources(), ErrorCode.INVALID_HEADER_IDENTITY_FOR_TEMPORARY_ACCESS))
          : promotional(request);
      case REGULAR -> Future.failedFuture(new IllegalArgumentException("not a TempPass integration: " + integration.id()));
    };
  }

  private Future<TempPassOutcome> basic(TempPassRequest request) {
    IntegrationConfig integration = request.integration();
    String key = keys.basicTrial(integration, generations.applyAsLong(integration), request.deviceHash());
    List<String> args = List.of(millis(integration.ttl()), millis(integration.lockoutRetention()), "1");
    return scripts.run(BASIC_AUTHORIZE, List.of(key), args).map(reply -> {
      long state = reply.get(0).toLong();
      if (state != STATE_VALID) return denyAll(request.resources(), ErrorCode.TEMPORARY_ACCESS_DURATION_LIMIT_EXCEEDED);
      List<Item> items = new ArrayList<>(request.resources().size());
      for (String r : request.resources()) items.add(new Item(r, null));
      return new TempPassOutcome(items, reply.get(3).toLong(), reply.get(2).toLong());
    });
  }

  private Future<TempPassOutcome> promotional(TempPassRequest request) {
    IntegrationConfig integration = request.integration();
    long generation = generations.applyAsLong(integration);
    long retention = integration.lockoutRetention().toMillis();
    long bindingLifetime = integration.ttl().toMillis() + retention + BINDING_MARGIN_MILLIS;
    String bindingKey = keys.promoDeviceBinding(integration, generation, request.deviceHash());
    return scripts.run(PROMO_BIND, List.of(bindingKey), List.of(request.identityHash(), Long.toString(bindingLifetime), "1"))
        .compose(owner -> {
          String trialKey = keys.promoTrial(integration, generation, owner.toString());
          List<String> args = new ArrayList<>(4 + request.resources().size());
          args.add(millis(integration.ttl()));
          args.add(Long.toString(retention));
          args.add(Integer.toString(integration.maxResources()));
          args.add("1");
          args.addAll(request.resources());
          return scripts.run(PROMO_AUTHORIZE, List.of(trialKey), args);
        })
        .map(reply -> promotionalOutcome(request.resources(), reply));
  }

  private static TempPassOutcome promotionalOutcome(List<String> resources, Response reply) {
    if (reply.get(0).toLong() != STATE_VALID) return denyAll(resources, ErrorCode.TEMPORARY_ACCESS_DURATION_LIMIT_EXCEEDED);
    List<Item> items = new ArrayList<>(resources.size());
    for (int i = 0; i < resources.size(); i++) {
      boolean permit = reply.get(5 + i).toLong() == 1;
      items.add(new Item(resources.get(i), permit ? null : ErrorCode.TEMPORARY_ACCESS_RESOURCES_LIMIT_EXCEEDED));
    }
    return new TempPassOutcome(items, reply.get(3).toLong(), reply.get(2).toLong());
  }

  private static TempPassOutcome denyAll(List<String> resources, ErrorCode error) {
    List<Item> items = new ArrayList<>(resources.size());
    for (String r : resources) items.add(new Item(r, error));
    return new TempPassOutcome(items, 0, 0);
  }

  private static String millis(java.time.Duration d) {
    return Long.toString(d.toMillis());
  }
}

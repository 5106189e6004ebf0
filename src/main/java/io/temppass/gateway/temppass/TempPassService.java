package io.temppass.gateway.temppass;

import io.temppass.gateway.admin.ControlPlane;
import io.temppass.gateway.bus.Messages.Item;
import io.temppass.gateway.bus.Messages.ProfileOutcome;
import io.temppass.gateway.bus.Messages.ProfileRequest;
import io.temppass.gateway.bus.Messages.ResetRequest;
import io.temppass.gateway.bus.Messages.TempPassOutcome;
import io.temppass.gateway.bus.Messages.TempPassRequest;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.redis.LuaScript;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The TempPass rules (SPEC 4.1 to 4.3, 5, reset API), as plain code around the atomic Lua scripts:
 * which script, which keys, and how a script's reply becomes decisions or a profile.
 */
public final class TempPassService {
  static final LuaScript BASIC_AUTHORIZE = LuaScript.load("basic_authorize");
  static final LuaScript PROMO_BIND = LuaScript.load("promo_bind");
  static final LuaScript PROMO_AUTHORIZE = LuaScript.load("promo_authorize");

  private static final int STATE_NEW = 0;
  private static final int STATE_VALID = 1;
  private static final String AUTHORIZE = "1";
  private static final String READ_ONLY = "0";
  /** Outlives the trial a little: the binding is written just before the trial's clock starts. */
  private static final long BINDING_MARGIN_MILLIS = 60_000;

  private final ScriptRunner scripts;
  private final KeySchema keys;
  private final ControlPlane control;

  public TempPassService(ScriptRunner scripts, KeySchema keys, ControlPlane control) {
    this.scripts = scripts;
    this.keys = keys;
    this.control = control;
  }

  // ---- decisions -------------------------------------------------------------------------

  public Future<TempPassOutcome> decide(TempPassRequest request) {
    IntegrationConfig integration = request.integration();
    if (!integration.tempPassUsable()) {
      return Future.succeededFuture(denyAll(request.resources(), ErrorCode.INVALID_CONFIGURATION_TEMPORARY_ACCESS));
    }
    if (integration.type() == IntegrationConfig.Type.TEMPPASS_BASIC) {
      return basic(integration, request.deviceHash(), AUTHORIZE).map(reply -> {
        if (reply.get(0).toLong() != STATE_VALID) return denyAll(request.resources(), ErrorCode.TEMPORARY_ACCESS_DURATION_LIMIT_EXCEEDED);
        List<Item> items = new ArrayList<>(request.resources().size());
        for (String r : request.resources()) items.add(new Item(r, null));
        return new TempPassOutcome(items, reply.get(3).toLong(), reply.get(2).toLong());
      });
    }
    if (request.identityHash() == null) {
      return Future.succeededFuture(denyAll(request.resources(), ErrorCode.INVALID_HEADER_IDENTITY_FOR_TEMPORARY_ACCESS));
    }
    return trialOwner(integration, request.deviceHash(), request.identityHash(), AUTHORIZE)
        .compose(owner -> promotional(integration, owner, AUTHORIZE, request.resources()))
        .map(reply -> promotionalOutcome(request.resources(), reply));
  }

  // ---- profiles (never start a clock) -----------------------------------------------------

  public Future<ProfileOutcome> profile(ProfileRequest request) {
    IntegrationConfig integration = request.integration();
    if (!integration.tempPassUsable()) return Future.succeededFuture(profileError(ErrorCode.INVALID_CONFIGURATION_TEMPORARY_ACCESS));
    if (integration.type() == IntegrationConfig.Type.TEMPPASS_BASIC) {
      return basic(integration, request.deviceHash(), READ_ONLY).map(reply -> profile(reply, request.deviceHash(), -1, List.of()));
    }
    if (request.identityHash() == null) return Future.succeededFuture(profileError(ErrorCode.INVALID_HEADER_IDENTITY_FOR_TEMPORARY_ACCESS));
    return trialOwner(integration, request.deviceHash(), request.identityHash(), READ_ONLY)
        .compose(owner -> promotional(integration, owner, READ_ONLY, List.of()).map(reply -> {
          List<String> used = new ArrayList<>();
          for (int i = 5; i < reply.size(); i++) used.add(reply.get(i).toString());
          int remaining = reply.get(4).toInteger();
          if (reply.get(0).toLong() == STATE_VALID && remaining == 0) {
            // The used titles travel with the error: preauthorization still permits them.
            return new ProfileOutcome(ErrorCode.TEMPORARY_ACCESS_RESOURCES_LIMIT_EXCEEDED, true, 0, 0, owner, 0, List.copyOf(used));
          }
          return profile(reply, owner, remaining, used);
        }));
  }

  private static ProfileOutcome profile(Response reply, String trialHash, int remaining, List<String> used) {
    long state = reply.get(0).toLong();
    if (state != STATE_NEW && state != STATE_VALID) return profileError(ErrorCode.TEMPORARY_ACCESS_DURATION_LIMIT_EXCEEDED);
    // Before first use: the projected pass, notBefore = now. After: the live pass from its start.
    long notBefore = state == STATE_NEW ? reply.get(3).toLong() : reply.get(1).toLong();
    return new ProfileOutcome(null, state == STATE_VALID, notBefore, reply.get(2).toLong(), trialHash, remaining, List.copyOf(used));
  }

  private static ProfileOutcome profileError(ErrorCode error) {
    return new ProfileOutcome(error, false, 0, 0, null, 0, List.of());
  }

  // ---- resets ----------------------------------------------------------------------------

  /**
   * Reset by device clears the device's basic pass and, for promotional TempPass, its binding and the
   * trial it is bound to; by identity clears that identity's trial; "all" bumps the generation, O(1).
   */
  public Future<Void> reset(ResetRequest request) {
    IntegrationConfig integration = request.integration();
    long generation = control.generation(integration);
    return switch (request.scope()) {
      case ALL -> control.resetAll(integration);
      case IDENTITY -> del(keys.promoTrial(integration, generation, request.hash()));
      case DEVICE -> integration.type() == IntegrationConfig.Type.TEMPPASS_BASIC
          ? del(keys.basicTrial(integration, generation, request.hash()))
          : scripts.send(Request.cmd(Command.GET).arg(keys.promoDeviceBinding(integration, generation, request.hash())))
              .compose(owner -> del(keys.promoDeviceBinding(integration, generation, request.hash()))
                  .compose(v -> owner == null ? Future.succeededFuture() : del(keys.promoTrial(integration, generation, owner.toString()))));
    };
  }

  private Future<Void> del(String key) {
    return scripts.send(Request.cmd(Command.DEL).arg(key)).mapEmpty();
  }

  // ---- scripts ---------------------------------------------------------------------------

  private Future<Response> basic(IntegrationConfig integration, String deviceHash, String mode) {
    String key = keys.basicTrial(integration, control.generation(integration), deviceHash);
    return exec(BASIC_AUTHORIZE, key, mode, List.of(
        millis(integration.ttl()), millis(integration.lockoutRetention()), mode,
        Long.toString(integration.resetPeriodMillis()), Long.toString(integration.resetOffsetMillis())));
  }

  /** The identity hash whose trial this device continues (SPEC 4.2's trial table). */
  private Future<String> trialOwner(IntegrationConfig integration, String deviceHash, String identityHash, String mode) {
    long bindingLifetime = integration.ttl().toMillis() + integration.lockoutRetention().toMillis() + BINDING_MARGIN_MILLIS;
    String bindingKey = keys.promoDeviceBinding(integration, control.generation(integration), deviceHash);
    List<String> args = List.of(identityHash, Long.toString(bindingLifetime), mode);
    return exec(PROMO_BIND, bindingKey, mode, args).map(Response::toString);
  }

  private Future<Response> promotional(IntegrationConfig integration, String owner, String mode, List<String> resources) {
    String trialKey = keys.promoTrial(integration, control.generation(integration), owner);
    List<String> args = new ArrayList<>(6 + resources.size());
    args.add(millis(integration.ttl()));
    args.add(millis(integration.lockoutRetention()));
    args.add(Integer.toString(integration.maxResources()));
    args.add(mode);
    args.add(Long.toString(integration.resetPeriodMillis()));
    args.add(Long.toString(integration.resetOffsetMillis()));
    args.addAll(resources);
    return exec(PROMO_AUTHORIZE, trialKey, mode, args);
  }

  /** Authorizations write, and their writes must outlive a failover; reads need no replica. */
  private Future<Response> exec(LuaScript script, String key, String mode, List<String> args) {
    return mode.equals(AUTHORIZE) ? scripts.runDurable(script, List.of(key), args) : scripts.run(script, List.of(key), args);
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

package io.temppass.gateway.temppass;

import io.temppass.gateway.bus.Messages.Item;
import io.temppass.gateway.bus.Messages.ProfileOutcome;
import io.temppass.gateway.bus.Messages.ProfileRequest;
import io.temppass.gateway.bus.Messages.ResetRequest;
import io.temppass.gateway.bus.Messages.TempPassOutcome;
import io.temppass.gateway.bus.Messages.TempPassRequest;
import io.temppass.gateway.bus.TempPassApi;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.control.ControlPlane;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.redis.KeySchema;
import io.temppass.gateway.redis.LuaScript;
import io.temppass.gateway.redis.ResourceDigest;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The TempPass rules (SPEC 4.1 to 4.3, 5, reset API), as plain code around the atomic Lua scripts:
 * which script, which keys, and how a script's reply becomes decisions or a profile.
 *
 * <p>Each request reads the integration's reset-all generation once, so every key it touches
 * belongs to one generation even when a poll of the control plane lands in the middle of it.
 */
public final class TempPassService implements TempPassApi {
  static final LuaScript BASIC_AUTHORIZE = LuaScript.load("basic_authorize");
  static final LuaScript PROMO_BIND = LuaScript.load("promo_bind");
  static final LuaScript PROMO_AUTHORIZE = LuaScript.load("promo_authorize");
  static final LuaScript PROMO_RESET_MARK = LuaScript.load("promo_reset_mark");
  static final LuaScript PROMO_RESET_TRIAL = LuaScript.load("promo_reset_trial");
  static final LuaScript PROMO_UNBIND = LuaScript.load("promo_unbind");

  private static final int STATE_REVOKED = -1;
  private static final int STATE_NEW = 0;
  private static final int STATE_VALID = 1;
  private static final int STATE_EXPIRED = 2;
  private static final String AUTHORIZE = "1";
  private static final String READ_ONLY = "0";
  private static final String NO_BINDING = "-";

  /** Outlives the trial a little: the binding is written just before the trial's clock starts. */
  private static final long BINDING_MARGIN_MILLIS = 60_000;

  /**
   * A decision binds again only when a reset of its device overtook it; more than a few resets of
   * one device during one request is not a real workload, and failing (503) beats looping.
   */
  private static final int MAX_BINDING_ATTEMPTS = 4;

  /** How much of a granted resource's id Redis keeps for the profile's {@code used_assets}. */
  public static final int SHOWN_RESOURCE_BYTES = 32;

  private final ScriptRunner scripts;
  private final KeySchema keys;
  private final ControlPlane control;

  public TempPassService(ScriptRunner scripts, KeySchema keys, ControlPlane control) {
    this.scripts = scripts;
    this.keys = keys;
    this.control = control;
  }

  // ---- decisions -------------------------------------------------------------------------

  @Override
  public Future<TempPassOutcome> decide(TempPassRequest request) {
    IntegrationConfig integration = request.integration();
    if (!integration.tempPassUsable()) {
      return Future.succeededFuture(
          denyAll(request.resources(), ErrorCode.INVALID_CONFIGURATION_TEMPORARY_ACCESS));
    }
    long generation = control.generation(integration);
    if (integration.type() == IntegrationConfig.Type.TEMPPASS_BASIC) {
      return basic(integration, generation, request.deviceHash(), AUTHORIZE)
          .map(
              reply -> {
                Pass pass = Pass.from(reply);
                countStart(integration, pass);
                if (pass.state() != STATE_VALID)
                  return denyAll(
                      request.resources(), ErrorCode.TEMPORARY_ACCESS_DURATION_LIMIT_EXCEEDED);
                List<Item> items = new ArrayList<>(request.resources().size());
                for (String r : request.resources()) items.add(new Item(r, null));
                return new TempPassOutcome(items, pass.nowMs(), pass.expiresMs());
              });
    }
    if (request.identityHash() == null) {
      return Future.succeededFuture(
          denyAll(request.resources(), ErrorCode.INVALID_HEADER_IDENTITY_FOR_TEMPORARY_ACCESS));
    }
    return promotionalDecision(integration, generation, request, 0, "");
  }

  /**
   * Counts a trial whose clock this decision started: the counting scripts set the start to their
   * own Redis time, so a valid pass that starts at the reply's time was started by this call (a
   * second decision for the same trial within the same millisecond would count it again).
   */
  private void countStart(IntegrationConfig integration, Pass pass) {
    if (pass.state() == STATE_VALID && pass.startMs() == pass.nowMs())
      scripts.metrics().trialStarted(integration.id());
  }

  /**
   * Binds (or finds) the device's trial, checks the presenting identity's own trial when the device
   * belongs to another identity, then counts on the device's trial. {@code revoked} is a binding
   * the previous attempt found revoked by a reset, for promo_bind.lua to replace.
   */
  private Future<TempPassOutcome> promotionalDecision(
      IntegrationConfig integration,
      long generation,
      TempPassRequest request,
      int attempt,
      String revoked) {
    if (attempt == MAX_BINDING_ATTEMPTS)
      return Future.failedFuture(new BindingContendedException());
    return bind(
            integration,
            generation,
            request.deviceHash(),
            request.identityHash(),
            AUTHORIZE,
            revoked)
        .compose(
            binding -> {
              if (binding.resetUnderWay()) {
                return completeReset(integration, generation, request.deviceHash(), binding)
                    .compose(
                        v ->
                            promotionalDecision(integration, generation, request, attempt + 1, ""));
              }
              return ownLockout(integration, generation, binding, request.identityHash())
                  .compose(
                      lockout -> {
                        if (lockout != null)
                          return Future.succeededFuture(denyAll(request.resources(), lockout));
                        return promotional(
                                integration, generation, binding, AUTHORIZE, request.resources())
                            .compose(
                                response -> {
                                  PromoReply reply = PromoReply.from(response);
                                  if (!reply.revoked()) countStart(integration, reply.pass());
                                  return reply.revoked()
                                      ? promotionalDecision(
                                          integration,
                                          generation,
                                          request,
                                          attempt + 1,
                                          binding.value())
                                      : Future.succeededFuture(
                                          promotionalOutcome(request.resources(), reply));
                                });
                      });
            });
  }

  /**
   * Adobe: a viewer over the configured TTL or number of resources "will no longer be able to view
   * content on the same device or with the same user-provided identifier". The device's trial is
   * checked by the count itself; an identity presented on a device bound to another identity has
   * its own trial read here (one more round trip, only in that case), and a used-up or expired one
   * denies the whole request. A read, so a decision that retries after a reset repeats it
   * harmlessly.
   */
  private Future<ErrorCode> ownLockout(
      IntegrationConfig integration, long generation, Binding binding, String identityHash) {
    if (binding.owner().equals(identityHash)) return Future.succeededFuture(null);
    return promotional(integration, generation, Binding.none(identityHash), READ_ONLY, List.of())
        .map(
            response -> {
              PromoReply reply = PromoReply.from(response);
              long state = reply.pass().state();
              if (state == STATE_EXPIRED) return ErrorCode.TEMPORARY_ACCESS_DURATION_LIMIT_EXCEEDED;
              if (state == STATE_VALID && reply.remaining() == 0)
                return ErrorCode.TEMPORARY_ACCESS_RESOURCES_LIMIT_EXCEEDED;
              return null;
            });
  }

  /**
   * Thrown when resets of one device overtake one request more often than {@link
   * #MAX_BINDING_ATTEMPTS}: a 503.
   */
  static final class BindingContendedException extends RuntimeException {
    BindingContendedException() {
      super("the device binding was reset during every attempt", null, false, false);
    }
  }

  // ---- profiles (never start a clock) -----------------------------------------------------

  @Override
  public Future<ProfileOutcome> profile(ProfileRequest request) {
    IntegrationConfig integration = request.integration();
    if (!integration.tempPassUsable())
      return Future.succeededFuture(profileError(ErrorCode.INVALID_CONFIGURATION_TEMPORARY_ACCESS));
    long generation = control.generation(integration);
    if (integration.type() == IntegrationConfig.Type.TEMPPASS_BASIC) {
      return basic(integration, generation, request.deviceHash(), READ_ONLY)
          .map(reply -> profile(Pass.from(reply), request.deviceHash(), -1, List.of(), Set.of()));
    }
    if (request.identityHash() == null)
      return Future.succeededFuture(
          profileError(ErrorCode.INVALID_HEADER_IDENTITY_FOR_TEMPORARY_ACCESS));
    return promotionalProfile(integration, generation, request, 0);
  }

  private Future<ProfileOutcome> promotionalProfile(
      IntegrationConfig integration, long generation, ProfileRequest request, int attempt) {
    if (attempt == MAX_BINDING_ATTEMPTS)
      return Future.failedFuture(new BindingContendedException());
    return bind(
            integration, generation, request.deviceHash(), request.identityHash(), READ_ONLY, "")
        .compose(
            binding -> {
              if (binding.resetUnderWay()) {
                return completeReset(integration, generation, request.deviceHash(), binding)
                    .compose(
                        v -> promotionalProfile(integration, generation, request, attempt + 1));
              }
              // The presenting identity's own lock-out holds here too, as in decisions: a profile
              // (and a
              // preauthorization, which reads it) never shows access that an authorization would
              // deny.
              return ownLockout(integration, generation, binding, request.identityHash())
                  .compose(
                      lockout ->
                          lockout != null
                              ? Future.succeededFuture(profileError(lockout))
                              : promotional(integration, generation, binding, READ_ONLY, List.of())
                                  .compose(
                                      response -> {
                                        PromoReply reply = PromoReply.from(response);
                                        if (reply.revoked())
                                          return promotionalProfile(
                                              integration, generation, request, attempt + 1);
                                        List<String> used = new ArrayList<>();
                                        Set<String> usedDigests = new HashSet<>();
                                        for (int i = 0; i < reply.granted(); i++) {
                                          String digest = reply.grantedDigest(i);
                                          String shown = reply.grantedShown(i);
                                          used.add(shown);
                                          usedDigests.add(
                                              digest.isEmpty() ? ResourceDigest.of(shown) : digest);
                                        }
                                        int remaining = reply.remaining();
                                        if (reply.pass().state() == STATE_VALID && remaining == 0) {
                                          // The used titles travel with the error: preauthorization
                                          // still permits them.
                                          return Future.succeededFuture(
                                              new ProfileOutcome(
                                                  ErrorCode
                                                      .TEMPORARY_ACCESS_RESOURCES_LIMIT_EXCEEDED,
                                                  true,
                                                  0,
                                                  0,
                                                  binding.owner(),
                                                  0,
                                                  List.copyOf(used),
                                                  Set.copyOf(usedDigests)));
                                        }
                                        return Future.succeededFuture(
                                            profile(
                                                reply.pass(),
                                                binding.owner(),
                                                remaining,
                                                used,
                                                usedDigests));
                                      }));
            });
  }

  private static ProfileOutcome profile(
      Pass pass, String trialHash, int remaining, List<String> used, Set<String> usedDigests) {
    long state = pass.state();
    if (state != STATE_NEW && state != STATE_VALID)
      return profileError(ErrorCode.TEMPORARY_ACCESS_DURATION_LIMIT_EXCEEDED);
    // Before first use: the projected pass, notBefore = now. After: the live pass from its start.
    long notBefore = state == STATE_NEW ? pass.nowMs() : pass.startMs();
    return new ProfileOutcome(
        null,
        state == STATE_VALID,
        notBefore,
        pass.expiresMs(),
        trialHash,
        remaining,
        List.copyOf(used),
        Set.copyOf(usedDigests));
  }

  private static ProfileOutcome profileError(ErrorCode error) {
    return new ProfileOutcome(error, false, 0, 0, null, 0, List.of(), Set.of());
  }

  // ---- resets ----------------------------------------------------------------------------

  /**
   * Reset by device clears the device's basic pass and, for promotional TempPass, its binding and
   * the trial it is bound to (three scripts on two slots, linearizable with decisions: see
   * promo_bind.lua); by identity clears that identity's trial; "all" bumps the generation, O(1).
   * The basic pass and the identity's trial are one key each, so one DEL resets them atomically.
   */
  @Override
  public Future<Void> reset(ResetRequest request) {
    IntegrationConfig integration = request.integration();
    long generation = control.generation(integration);
    return switch (request.scope()) {
      case ALL -> control.resetAll(integration);
      case IDENTITY -> del(keys.promoTrial(integration, generation, request.hash()));
      case DEVICE ->
          integration.type() == IntegrationConfig.Type.TEMPPASS_BASIC
              ? del(keys.basicTrial(integration, generation, request.hash()))
              : scripts
                  .runDurable(
                      PROMO_RESET_MARK,
                      List.of(keys.promoDeviceBinding(integration, generation, request.hash())),
                      List.of())
                  .compose(
                      marked ->
                          marked == null
                              ? Future.<Void>succeededFuture()
                              : completeReset(
                                  integration,
                                  generation,
                                  request.hash(),
                                  Binding.parse(marked.toString())));
    };
  }

  /**
   * Steps 2 and 3 of a reset by device, from the reset itself or from a decision that found it
   * half-done.
   */
  private Future<Void> completeReset(
      IntegrationConfig integration, long generation, String deviceHash, Binding marked) {
    String owner = marked.owner();
    return scripts
        .runDurable(
            PROMO_RESET_TRIAL,
            List.of(
                keys.promoTrial(integration, generation, owner),
                keys.promoRevokedBindings(integration, generation, owner)),
            List.of(marked.nonce(), Long.toString(bindingLifetime(integration))))
        .compose(
            r ->
                scripts.runDurable(
                    PROMO_UNBIND,
                    List.of(keys.promoDeviceBinding(integration, generation, deviceHash)),
                    List.of(marked.value())))
        .mapEmpty();
  }

  private Future<Void> del(String key) {
    return scripts.send(Request.cmd(Command.DEL).arg(key)).mapEmpty();
  }

  // ---- scripts ---------------------------------------------------------------------------

  private Future<Response> basic(
      IntegrationConfig integration, long generation, String deviceHash, String mode) {
    String key = keys.basicTrial(integration, generation, deviceHash);
    return exec(
        BASIC_AUTHORIZE,
        List.of(key),
        mode,
        List.of(
            millis(integration.ttl()),
            millis(integration.lockoutRetention()),
            mode,
            Long.toString(integration.resetPeriodMillis()),
            Long.toString(integration.resetOffsetMillis())));
  }

  /** The device's binding: whose trial this device continues (SPEC 4.2's trial table). */
  private Future<Binding> bind(
      IntegrationConfig integration,
      long generation,
      String deviceHash,
      String identityHash,
      String mode,
      String revoked) {
    String bindingKey = keys.promoDeviceBinding(integration, generation, deviceHash);
    List<String> args =
        List.of(identityHash, Long.toString(bindingLifetime(integration)), mode, nonce(), revoked);
    return exec(PROMO_BIND, List.of(bindingKey), mode, args)
        .map(reply -> Binding.parse(reply.toString()));
  }

  private static long bindingLifetime(IntegrationConfig integration) {
    return integration.ttl().toMillis()
        + integration.lockoutRetention().toMillis()
        + BINDING_MARGIN_MILLIS;
  }

  /**
   * 64 random bits: tells bindings of one device apart, so a reset revokes exactly the one it
   * found.
   */
  private static String nonce() {
    return Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
  }

  private Future<Response> promotional(
      IntegrationConfig integration,
      long generation,
      Binding binding,
      String mode,
      List<String> resources) {
    String owner = binding.owner();
    List<String> trialKeys =
        List.of(
            keys.promoTrial(integration, generation, owner),
            keys.promoRevokedBindings(integration, generation, owner));
    List<String> args = new ArrayList<>(7 + 2 * resources.size());
    args.add(millis(integration.ttl()));
    args.add(millis(integration.lockoutRetention()));
    args.add(Integer.toString(integration.maxResources()));
    args.add(mode);
    args.add(Long.toString(integration.resetPeriodMillis()));
    args.add(Long.toString(integration.resetOffsetMillis()));
    args.add(binding.nonce());
    for (String resource : resources) {
      args.add(ResourceDigest.of(resource));
      args.add(shownResource(resource));
    }
    return exec(PROMO_AUTHORIZE, trialKeys, mode, args);
  }

  /** Authorizations write, and their writes must outlive a failover; reads need no replica. */
  private Future<Response> exec(
      LuaScript script, List<String> scriptKeys, String mode, List<String> args) {
    return mode.equals(AUTHORIZE)
        ? scripts.runDurable(script, scriptKeys, args)
        : scripts.run(script, scriptKeys, args);
  }

  /**
   * The first {@link #SHOWN_RESOURCE_BYTES} bytes of the id in UTF-8, cut before a character that
   * would not fit.
   */
  static String shownResource(String resource) {
    byte[] utf8 = resource.getBytes(StandardCharsets.UTF_8);
    if (utf8.length <= SHOWN_RESOURCE_BYTES) return resource;
    int end = SHOWN_RESOURCE_BYTES;
    while (end > 0 && (utf8[end] & 0xC0) == 0x80) end--;
    return new String(utf8, 0, end, StandardCharsets.UTF_8);
  }

  /**
   * A device binding as promo_bind.lua returns it: the identity whose trial the device continues,
   * the binding's nonce ({@code "-"} when a profile read found none), and whether a reset is under
   * way.
   */
  record Binding(String value, String owner, String nonce, boolean resetUnderWay) {
    /**
     * A binding written before bindings carried a nonce is the identity hash alone: it is read as a
     * binding without a nonce (counted without the revocation check), and promo_reset_mark.lua
     * rewrites it as {@code "<identityHash> - R"} when it resets it.
     */
    static Binding parse(String value) {
      String[] parts = value.split(" ");
      if (parts.length == 1) return new Binding(value, value, NO_BINDING, false);
      return new Binding(value, parts[0], parts[1], parts.length > 2);
    }

    static Binding none(String identityHash) {
      return new Binding(identityHash + " " + NO_BINDING, identityHash, NO_BINDING, false);
    }
  }

  private static TempPassOutcome promotionalOutcome(List<String> resources, PromoReply reply) {
    if (reply.pass().state() != STATE_VALID)
      return denyAll(resources, ErrorCode.TEMPORARY_ACCESS_DURATION_LIMIT_EXCEEDED);
    List<Item> items = new ArrayList<>(resources.size());
    for (int i = 0; i < resources.size(); i++) {
      items.add(
          new Item(
              resources.get(i),
              reply.permitted(i) ? null : ErrorCode.TEMPORARY_ACCESS_RESOURCES_LIMIT_EXCEEDED));
    }
    return new TempPassOutcome(items, reply.pass().nowMs(), reply.pass().expiresMs());
  }

  /**
   * The pass both counting scripts reply with first (basic_authorize.lua, promo_authorize.lua):
   * {@code {state, startMs, expiresMs, nowMs}}; state -1 revoked binding (promotional only), 0
   * never used (read-only: start and expiry are the projected pass), 1 valid, 2 expired. Times are
   * Redis's.
   */
  record Pass(long state, long startMs, long expiresMs, long nowMs) {
    static Pass from(Response reply) {
      return new Pass(
          reply.get(0).toLong(),
          reply.get(1).toLong(),
          reply.get(2).toLong(),
          reply.get(3).toLong());
    }
  }

  /**
   * promo_authorize.lua's reply: {@code {state, startMs, expiresMs, nowMs, remaining, ...}}. What
   * follows the first five is per resource: on authorize, one integer per requested resource (1
   * permit, 0 resources limit exceeded); on a read, each granted resource's digest and shown
   * prefix.
   */
  record PromoReply(Pass pass, int remaining, Response reply) {
    private static final int PER_RESOURCE = 5;

    static PromoReply from(Response reply) {
      return new PromoReply(Pass.from(reply), reply.get(4).toInteger(), reply);
    }

    /**
     * The binding that led here was revoked by a reset: nothing was read or written; bind again.
     */
    boolean revoked() {
      return pass.state() == STATE_REVOKED;
    }

    /** Authorize: whether the {@code i}-th requested resource was permitted. */
    boolean permitted(int i) {
      return reply.get(PER_RESOURCE + i).toLong() == 1;
    }

    /** Read: how many granted resources the reply lists. */
    int granted() {
      return (reply.size() - PER_RESOURCE) / 2;
    }

    String grantedDigest(int i) {
      return reply.get(PER_RESOURCE + 2 * i).toString();
    }

    String grantedShown(int i) {
      return reply.get(PER_RESOURCE + 2 * i + 1).toString();
    }
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

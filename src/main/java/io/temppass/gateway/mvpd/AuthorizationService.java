package io.temppass.gateway.mvpd;

import io.temppass.gateway.bus.MvpdAuthorizationApi;
import io.temppass.gateway.bus.MvpdMessages.AuthorizeReply;
import io.temppass.gateway.bus.MvpdMessages.AuthorizeRequest;
import io.temppass.gateway.bus.MvpdMessages.MvpdItem;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.redis.LuaScript;
import io.temppass.gateway.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.List;

/**
 * MVPD decisions for a regular profile (authn digest §4, SPEC 4.6). Per resource: the decision
 * cache in Redis (shared by every process, keyed by the profile's generation), then, when it has
 * nothing, one MVPD call per cache period: concurrent identical decisions in one process share one
 * future (single flight), and across processes the cache's fill lock elects one caller while the
 * others poll the cache until the per-decision deadline.
 *
 * <p>A decision lives {@code min(MVPD TTL, authorizationTtl)}, never beyond the profile's notAfter.
 * Denies are cached like permits; failures are not.
 */
record AuthorizationService(
    Vertx vertx,
    ScriptRunner redis,
    MvpdKeys keys,
    ProfileStore profiles,
    MvpdConnectors connectors)
    implements MvpdAuthorizationApi {
  private static final LuaScript CACHE = LuaScript.load("authz_cache");
  private static final LuaScript STORE = LuaScript.load("authz_store");

  /** How often a caller that lost the fill lock looks at the cache again. */
  private static final long POLL_MILLIS = 20;

  @Override
  public Future<AuthorizeReply> authorize(AuthorizeRequest r) {
    IntegrationConfig integration = r.integration();
    GuardedAuthorizer authorizer = connectors.authorizer(integration);
    if (connectors.login(integration) == null || authorizer == null)
      return all(r, ErrorCode.AUTHENTICATED_PROFILE_MISSING);
    return profiles
        .get(integration, r.deviceHash())
        .compose(
            profile -> {
              long now = System.currentTimeMillis();
              if (profile == null || profile.identity() == null)
                return all(r, ErrorCode.AUTHENTICATED_PROFILE_MISSING);
              if (profile.expired(now)) return all(r, ErrorCode.AUTHENTICATED_PROFILE_EXPIRED);
              long deadline = now + integration.authorization().deadline().toMillis();
              List<Future<MvpdItem>> items = new ArrayList<>(r.resources().size());
              Batch batch =
                  r.preauthorize()
                          && r.resources().size() > 1
                          && integration.authorization().multipleResources()
                      ? new Batch(r.resources().size())
                      : null;
              for (String resource : r.resources()) {
                String key = keys.decision(integration, profile.generation(), resource);
                items.add(
                    decision(
                            new Lookup(
                                integration,
                                authorizer,
                                profile,
                                resource,
                                r.clientIp(),
                                deadline,
                                key,
                                batch))
                        .map(cached -> item(resource, cached, r.preauthorize())));
              }
              return Future.all(items)
                  .map(
                      all -> {
                        List<MvpdItem> out = new ArrayList<>(all.size());
                        for (int i = 0; i < all.size(); i++) out.add(all.resultAt(i));
                        return new AuthorizeReply(out);
                      });
            });
  }

  /**
   * A decision as cached: the MVPD's verdict, when it was taken and until when it holds; or a
   * failure code (never cached).
   */
  record Decision(
      boolean permit,
      boolean parentalControls,
      String message,
      long decidedAt,
      long notAfter,
      ErrorCode failure,
      boolean fresh) {
    String encode() {
      return (permit ? "P" : parentalControls ? "C" : "D")
          + "|"
          + decidedAt
          + "|"
          + notAfter
          + "|"
          + (message == null ? "" : message);
    }

    static Decision decode(String value) {
      String[] parts = value.split("\\|", 4);
      String message = parts[3].isEmpty() ? null : parts[3];
      return new Decision(
          parts[0].equals("P"),
          parts[0].equals("C"),
          message,
          Long.parseLong(parts[1]),
          Long.parseLong(parts[2]),
          null,
          false);
    }

    static Decision failed(ErrorCode code) {
      return new Decision(false, false, null, 0, 0, code, true);
    }
  }

  private static MvpdItem item(String resource, Decision d, boolean preauthorize) {
    if (d.failure() != null) return new MvpdItem(resource, d.failure(), null, 0, 0, d.fresh());
    if (d.permit())
      return new MvpdItem(resource, null, null, d.decidedAt(), d.notAfter(), d.fresh());
    ErrorCode code =
        d.parentalControls()
            ? ErrorCode.AUTHORIZATION_DENIED_BY_PARENTAL_CONTROLS
            : preauthorize
                ? ErrorCode.PREAUTHORIZATION_DENIED_BY_MVPD
                : ErrorCode.AUTHORIZATION_DENIED_BY_MVPD;
    return new MvpdItem(resource, code, d.message(), 0, 0, d.fresh());
  }

  /**
   * One resource's decision being looked for: in the cache, from another caller, or the MVPD;
   * {@code batch} when it may be asked together with the request's other resources.
   */
  private record Lookup(
      IntegrationConfig integration,
      GuardedAuthorizer authorizer,
      ProfileStore.Stored profile,
      String resource,
      String clientIp,
      long deadline,
      String key,
      Batch batch) {
    Lookup alone() {
      return batch == null
          ? this
          : new Lookup(integration, authorizer, profile, resource, clientIp, deadline, key, null);
    }
  }

  /**
   * The resources of one preauthorization that the MVPD answers in one query (integration digest
   * §4, multi-channel authorization). Each resource first looks in the cache as it would alone;
   * those whose first look elects them to call the MVPD join the batch, the others (a cached
   * decision, another caller already asking) leave it; once every resource has reported, one call
   * asks for all that joined. A resource that only later gets to call (after polling) asks alone.
   */
  private final class Batch {
    private record Member(Lookup lookup, String lock, String token, Promise<Decision> result) {}

    private int unreported;
    private final List<Member> members = new ArrayList<>();

    Batch(int size) {
      this.unreported = size;
    }

    synchronized Future<Decision> join(Lookup lookup, String lock, String token) {
      Promise<Decision> result = Promise.promise();
      members.add(new Member(lookup, lock, token, result));
      reported();
      return result.future();
    }

    synchronized void leave() {
      reported();
    }

    private void reported() {
      if (--unreported > 0) return;
      if (members.isEmpty()) return;
      if (members.size() == 1) {
        Member m = members.get(0);
        ask(m.lookup(), m.lock(), m.token()).onComplete(m.result());
        return;
      }
      Lookup first = members.get(0).lookup();
      List<String> resources = members.stream().map(m -> m.lookup().resource()).toList();
      first
          .authorizer()
          .authorizeAll(
              first.profile().identity().userId(),
              resources,
              first.clientIp(),
              first.integration().serviceProvider(),
              first.deadline() - System.currentTimeMillis())
          .onComplete(
              ar -> {
                for (int i = 0; i < members.size(); i++) {
                  Member m = members.get(i);
                  io.vertx.core.AsyncResult<MvpdAuthorizer.Verdict> one =
                      ar.succeeded()
                          ? Future.succeededFuture(ar.result().get(i))
                          : Future.failedFuture(ar.cause());
                  store(m.lookup(), m.lock(), m.token(), one).onComplete(m.result());
                }
              });
    }
  }

  /** Single flight per process over the cache-or-call loop. */
  @SuppressWarnings("unchecked")
  private Future<Decision> decision(Lookup lookup) {
    String key = lookup.key();
    Promise<Decision> mine = Promise.promise();
    Future<Decision> existing =
        (Future<Decision>) connectors.inFlight.putIfAbsent(key, mine.future());
    if (existing != null) {
      if (lookup.batch() != null) lookup.batch().leave();
      return existing;
    }
    fill(lookup)
        .onComplete(
            ar -> {
              connectors.inFlight.remove(key, mine.future());
              mine.handle(ar);
            });
    return mine.future();
  }

  private Future<Decision> fill(Lookup lookup) {
    String lock = MvpdKeys.fillLock(lookup.key());
    String token = Randoms.token(9);
    long lockMillis = Math.max(1, lookup.deadline() - System.currentTimeMillis()) + 1_000;
    Batch batch = lookup.batch();
    return redis
        .run(CACHE, List.of(lookup.key(), lock), List.of(token, String.valueOf(lockMillis)))
        .onFailure(
            err -> {
              if (batch != null) batch.leave();
            })
        .compose(
            reply -> {
              boolean elected = reply.type() != ResponseType.BULK && reply.toInteger() != 0;
              if (batch != null && elected) return batch.join(lookup, lock, token);
              if (batch != null) batch.leave();
              if (reply.type() == ResponseType.BULK)
                return Future.succeededFuture(Decision.decode(reply.toString()));
              if (reply.toInteger() == 0) {
                long left = lookup.deadline() - System.currentTimeMillis();
                if (left <= POLL_MILLIS)
                  return Future.succeededFuture(
                      Decision.failed(ErrorCode.MAXIMUM_EXECUTION_TIME_EXCEEDED));
                return vertx.timer(POLL_MILLIS).compose(t -> fill(lookup.alone()));
              }
              return ask(lookup, lock, token);
            });
  }

  private Future<Decision> ask(Lookup lookup, String lock, String token) {
    return lookup
        .authorizer()
        .authorize(
            lookup.profile().identity().userId(),
            lookup.resource(),
            lookup.clientIp(),
            lookup.integration().serviceProvider(),
            lookup.deadline() - System.currentTimeMillis())
        .transform(ar -> store(lookup, lock, token, ar));
  }

  /** Caches the MVPD's verdict (a failure only releases the lock) and returns the decision. */
  private Future<Decision> store(
      Lookup lookup,
      String lock,
      String token,
      io.vertx.core.AsyncResult<MvpdAuthorizer.Verdict> ar) {
    IntegrationConfig integration = lookup.integration();
    ProfileStore.Stored profile = lookup.profile();
    String key = lookup.key();
    long now = System.currentTimeMillis();
    if (ar.failed()) {
      ErrorCode code =
          ar.cause() instanceof MvpdAuthorizer.MvpdCallException e
              ? e.code
              : ErrorCode.NETWORK_RECEIVED_ERROR;
      return redis
          .run(STORE, List.of(key, lock), List.of(token, "", "0"))
          .map(v -> Decision.failed(code));
    }
    MvpdAuthorizer.Verdict verdict = ar.result();
    long ttl = integration.authorizationTtl().toMillis();
    if (verdict.ttlMillis() >= 0) ttl = Math.min(ttl, verdict.ttlMillis());
    long notAfter = Math.min(now + ttl, profile.notAfter());
    Decision d =
        new Decision(
            verdict.permit(),
            verdict.parentalControls(),
            verdict.message(),
            now,
            notAfter,
            null,
            true);
    long cacheFor = notAfter - now;
    return redis
        .run(
            STORE,
            List.of(key, lock),
            List.of(token, cacheFor > 0 ? d.encode() : "", String.valueOf(Math.max(1, cacheFor))))
        .map(v -> d);
  }

  private static Future<AuthorizeReply> all(AuthorizeRequest r, ErrorCode code) {
    List<MvpdItem> items = new ArrayList<>(r.resources().size());
    for (String resource : r.resources())
      items.add(new MvpdItem(resource, code, null, 0, 0, false));
    return Future.succeededFuture(new AuthorizeReply(items));
  }
}

package io.temppass.gateway.mvpd;

import io.temppass.gateway.bus.MvpdMessages.BrowserReply;
import io.temppass.gateway.bus.MvpdMessages.Caller;
import io.temppass.gateway.bus.MvpdMessages.DocumentReply;
import io.temppass.gateway.bus.MvpdMessages.LoginComplete;
import io.temppass.gateway.bus.MvpdMessages.LoginStart;
import io.temppass.gateway.bus.MvpdMessages.LogoutReply;
import io.temppass.gateway.bus.MvpdMessages.LogoutRequest;
import io.temppass.gateway.bus.MvpdMessages.LogoutReturn;
import io.temppass.gateway.bus.MvpdMessages.Profile;
import io.temppass.gateway.bus.MvpdMessages.ProfilesReply;
import io.temppass.gateway.bus.MvpdMessages.ProfilesRequest;
import io.temppass.gateway.bus.MvpdMessages.SessionInfoReply;
import io.temppass.gateway.bus.MvpdMessages.SessionInfoRequest;
import io.temppass.gateway.bus.MvpdMessages.SessionReply;
import io.temppass.gateway.bus.MvpdMessages.SessionRequest;
import io.temppass.gateway.bus.MvpdMessages.SpMetadataRequest;
import io.temppass.gateway.bus.MvpdSessionsApi;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.config.IntegrationConfig.Degradation;
import io.temppass.gateway.config.MvpdSettings;
import io.temppass.gateway.control.ControlPlane;
import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.logging.Logs;
import io.temppass.gateway.metrics.GatewayMetrics.SignIn;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authentication half of the regular-MVPD path (authn digest §2, §3, §5): sessions and their
 * codes, the browser step and the MVPD's redirect back, profiles, and logout. The rules are here;
 * the state is in {@link SessionStore} and {@link ProfileStore}, the MVPD's protocol behind {@link
 * MvpdLogin}.
 */
record SessionService(
    GatewayConfig config,
    SessionStore sessions,
    ProfileStore profiles,
    MvpdConnectors connectors,
    ControlPlane control)
    implements MvpdSessionsApi {
  private static final Logger LOG = LoggerFactory.getLogger(SessionService.class);

  /** The Redis calls of a claimed sign-in: the claim's reply, the profile write, the finish. */
  private static final int CLAIM_REDIS_CALLS = 3;

  private static final int MAX_DEVICE_INFO_CHARS = 2048;

  // ---- sessions ---------------------------------------------------------------------------

  /** Create ({@code code} null) or resume a session (CS, RS). */
  @Override
  public Future<SessionReply> session(SessionRequest r) {
    SessionReply invalid =
        invalidParameters(r.serviceProvider(), r.mvpd(), r.domainName(), r.redirectUrl());
    if (invalid != null) return Future.succeededFuture(invalid);
    if (r.code() == null) return create(r);
    if (!Randoms.looksLikeSessionCode(r.code())) return error(ErrorCode.INVALID_PARAMETER_CODE);
    String code = r.code().toUpperCase(Locale.ROOT);
    return ownSession(code, r.serviceProvider(), r.caller())
        .compose(
            stored -> {
              if (stored == null) return error(ErrorCode.INVALID_AUTHENTICATION_SESSION);
              if ("done".equals(stored.get("status")))
                return error(ErrorCode.INVALID_AUTHENTICATION_SESSION);
              String mvpd = r.mvpd() != null ? r.mvpd() : stored.get("mvpd");
              String domainName = r.domainName() != null ? r.domainName() : stored.get("dn");
              String redirectUrl = r.redirectUrl() != null ? r.redirectUrl() : stored.get("ru");
              long notBefore = Long.parseLong(stored.get("nb"));
              long notAfter = Long.parseLong(stored.get("na"));
              return orElse(
                  shortcut(
                      r.serviceProvider(),
                      mvpd,
                      r.caller().deviceHash(),
                      code,
                      notBefore,
                      notAfter),
                  () ->
                      sessions
                          .update(
                              code, r.caller().deviceHash(), r.caller().clientId(), parameters(r))
                          .compose(
                              updated -> {
                                if (updated == SessionStore.TOO_LARGE)
                                  return Future.succeededFuture(tooLarge(r));
                                if (updated != 1)
                                  return error(ErrorCode.INVALID_AUTHENTICATION_SESSION);
                                return Future.succeededFuture(
                                    next(
                                        "retry",
                                        r.serviceProvider(),
                                        code,
                                        mvpd,
                                        missing(mvpd, domainName, redirectUrl),
                                        notBefore,
                                        notAfter));
                              }));
            });
  }

  private Future<SessionReply> create(SessionRequest r) {
    long now = System.currentTimeMillis();
    long notAfter = now + config.sessions().codeTtl().toMillis();
    return orElse(
        shortcut(r.serviceProvider(), r.mvpd(), r.caller().deviceHash(), null, 0, 0),
        () -> {
          Map<String, String> fields = parameters(r);
          fields.put("sp", r.serviceProvider());
          fields.put("dev", r.caller().deviceHash());
          fields.put("cli", SessionStore.clientTag(r.caller().clientId()));
          if (r.deviceInfo() != null && r.deviceInfo().length() <= MAX_DEVICE_INFO_CHARS)
            fields.put("info", r.deviceInfo());
          fields.put("nb", String.valueOf(now));
          fields.put("na", String.valueOf(notAfter));
          fields.put("status", "new");
          return sessions
              .create(fields, notAfter - now)
              .map(
                  code ->
                      code == null
                          ? tooLarge(r)
                          : next(
                              "resume",
                              r.serviceProvider(),
                              code,
                              r.mvpd(),
                              missing(r.mvpd(), r.domainName(), r.redirectUrl()),
                              now,
                              notAfter));
        });
  }

  /**
   * When the mvpd is known and no login is needed, the app goes straight to decisions (CS sample
   * 3): a TempPass mvpd, a degradation rule with AuthNAll, or a valid profile. A null reply means a
   * login is needed; an mvpd that is unknown, inactive, or neither TempPass nor able to sign in
   * here is {@code invalid_integration}.
   */
  private Future<SessionReply> shortcut(
      String sp, String mvpd, String deviceHash, String code, long notBefore, long notAfter) {
    if (mvpd == null) return Future.succeededFuture();
    IntegrationConfig integration = config.integration(sp, mvpd);
    if (integration == null || !integration.active()) return error(ErrorCode.INVALID_INTEGRATION);
    String decisions = "/api/v2/" + sp + "/decisions/authorize/" + mvpd;
    // Straight to decisions, with the source the app shows for the authentication.
    Function<String, SessionReply> decide =
        source ->
            reply("authorize", "direct", source, null, decisions, code, mvpd, notBefore, notAfter);
    if (integration.isTempPass()) return Future.succeededFuture(decide.apply("temporary"));
    if (control.degradation(integration) == Degradation.AUTHN_ALL)
      return Future.succeededFuture(decide.apply("degraded"));
    if (integration.dummyAuthorization()) return Future.succeededFuture(decide.apply("none"));
    if (!integration.hasMvpdLogin()) return error(ErrorCode.INVALID_INTEGRATION);
    return profiles
        .get(integration, deviceHash)
        .map(
            p ->
                p != null && !p.expired(System.currentTimeMillis()) && p.identity() != null
                    ? decide.apply("authenticated")
                    : null);
  }

  /** GS: what a session holds, for its own device and client only. */
  @Override
  public Future<SessionInfoReply> sessionInfo(SessionInfoRequest r) {
    if (!Randoms.looksLikeSessionCode(r.code()))
      return Future.succeededFuture(infoError(ErrorCode.INVALID_PARAMETER_CODE));
    return ownSession(r.code().toUpperCase(Locale.ROOT), r.serviceProvider(), r.caller())
        .map(
            stored -> {
              if (stored == null) return infoError(ErrorCode.INVALID_AUTHENTICATION_SESSION);
              Map<String, String> existing = new LinkedHashMap<>();
              if (stored.get("mvpd") != null) existing.put("mvpd", stored.get("mvpd"));
              if (stored.get("dn") != null) existing.put("domainName", stored.get("dn"));
              if (stored.get("ru") != null) existing.put("redirectUrl", stored.get("ru"));
              return new SessionInfoReply(
                  null,
                  existing,
                  missing(stored.get("mvpd"), stored.get("dn"), stored.get("ru")),
                  stored.get("info"),
                  Long.parseLong(stored.get("nb")),
                  Long.parseLong(stored.get("na")));
            });
  }

  // ---- the browser step and the MVPD's redirect back ----------------------------------------

  /**
   * UA: a 302 to the MVPD's sign-in page, with a fresh state, PKCE verifier and nonce on the
   * session.
   */
  @Override
  public Future<BrowserReply> loginStart(LoginStart r) {
    if (!Randoms.looksLikeSessionCode(r.code()))
      return page(400, "The authentication code is missing or invalid.");
    String code = r.code().toUpperCase(Locale.ROOT);
    return sessions
        .get(code)
        .compose(
            stored -> {
              if (stored == null || !r.serviceProvider().equals(stored.get("sp")))
                return page(400, "The authentication session is invalid or has expired.");
              if ("done".equals(stored.get("status")))
                return page(400, "This authentication session has already been used.");
              if (!missing(stored.get("mvpd"), stored.get("dn"), stored.get("ru")).isEmpty()) {
                return page(
                    400, "The authentication session is missing parameters; resume it first.");
              }
              IntegrationConfig integration =
                  config.integration(r.serviceProvider(), stored.get("mvpd"));
              MvpdLogin login =
                  integration == null || !integration.active()
                      ? null
                      : connectors.login(integration);
              if (login == null)
                return page(
                    400,
                    "The integration between the specified service provider and mvpd does not exist or is disabled.");
              // The code rides in the state so the redirect back finds its session in one read; the
              // random
              // part is what makes the state unguessable, and it is single-use (login_claim.lua).
              String state = code + "." + Randoms.token(16);
              String verifier = Randoms.token(32);
              String nonce = Randoms.token(16);
              return sessions
                  .startLogin(code, state, verifier, nonce)
                  .compose(
                      started ->
                          started != 1
                              ? page(400, "This authentication session has already been used.")
                              : login
                                  .authorizationUrl(
                                      state,
                                      Randoms.s256(verifier),
                                      nonce,
                                      config.sessions().callbackUrl())
                                  .map(
                                      url -> {
                                        signIn(integration, SignIn.STARTED);
                                        return new BrowserReply(url, 302, null);
                                      })
                                  .recover(
                                      err -> {
                                        signIn(integration, SignIn.FAILED);
                                        warn(
                                            "MVPD sign-in unavailable",
                                            integration,
                                            err,
                                            r.requestId());
                                        return page(
                                            503,
                                            "The TV provider's sign-in is unavailable right now; try again later.");
                                      }));
            });
  }

  /**
   * The MVPD's redirect back. A login that the MVPD refused, that the viewer cancelled, or whose
   * answer cannot be trusted lands on {@code redirectUrl} with no profile created (SPEC 4.6), and
   * the code stays usable for another attempt; a state that is unknown, tampered or already used
   * gets an error page and changes nothing.
   */
  @Override
  public Future<BrowserReply> loginComplete(LoginComplete r) {
    String state = r.query().get("state");
    int dot = state == null ? -1 : state.indexOf('.');
    if (dot < 0 || !Randoms.looksLikeSessionCode(state.substring(0, dot)))
      return page(400, "The sign-in response is invalid.");
    String code = state.substring(0, dot);
    // One id per claim: only this completion may end it (login_finish.lua), even after its
    // deadline passed and another attempt took the session.
    String claimId = Randoms.token(9);
    return sessions
        .claim(code, state, claimHold(), claimId)
        .compose(
            session -> {
              String redirectUrl = session.get("ru");
              IntegrationConfig integration =
                  config.integration(session.get("sp"), session.get("mvpd"));
              MvpdLogin login = integration == null ? null : connectors.login(integration);
              String refusal = login == null ? null : login.refusal(r.query());
              if (login == null || refusal != null) {
                if (login != null) signIn(integration, SignIn.REFUSED);
                LOG.atInfo()
                    .addKeyValue(Logs.REQUEST_ID, r.requestId())
                    .log(
                        "MVPD sign-in ended without a login: {}",
                        refusal == null ? "no login connector" : refusal);
                return sessions
                    .finish(code, claimId, false, null)
                    .map(v -> new BrowserReply(redirectUrl, 302, null));
              }
              // An MVPD that never answers must not hold the code: past the login's timeout the
              // sign-in ends as refused and the session is open for another attempt.
              long start = System.nanoTime();
              return login
                  .complete(
                      r.query(),
                      session.get("ver"),
                      session.get("non"),
                      config.sessions().callbackUrl())
                  .timeout(integration.login().timeout().toMillis(), TimeUnit.MILLISECONDS)
                  .andThen(
                      ar ->
                          connectors
                              .metrics()
                              .mvpdCall(
                                  integration.id(),
                                  "token",
                                  System.nanoTime() - start,
                                  ar.failed()))
                  .compose(
                      identity -> {
                        long now = System.currentTimeMillis();
                        String generation = Randoms.token(12);
                        return profiles
                            .put(
                                integration,
                                session.get("dev"),
                                now,
                                now + integration.authenticationTtl().toMillis(),
                                generation,
                                identity)
                            .compose(v -> sessions.finish(code, claimId, true, generation))
                            .map(
                                v -> {
                                  signIn(integration, SignIn.COMPLETED);
                                  return new BrowserReply(redirectUrl, 302, null);
                                })
                            // Redis failed mid-way: give the code back so the viewer can try again,
                            // and answer the error.
                            .onFailure(err -> signIn(integration, SignIn.FAILED))
                            .recover(
                                err ->
                                    sessions
                                        .finish(code, claimId, false, null)
                                        .transform(ignored -> Future.failedFuture(err)));
                      },
                      err -> {
                        signIn(integration, SignIn.FAILED);
                        warn("MVPD sign-in refused", integration, err, r.requestId());
                        // An answer that is not believable does not send the viewer on to the app.
                        boolean untrusted =
                            err instanceof MvpdLogin.LoginFailedException failed
                                && failed.untrusted;
                        return sessions
                            .finish(code, claimId, false, null)
                            .map(
                                v ->
                                    untrusted
                                        ? new BrowserReply(
                                            null,
                                            400,
                                            "The TV provider's sign-in answer could not be verified; no sign-in was recorded. Start the sign-in again from the app.")
                                        : new BrowserReply(redirectUrl, 302, null));
                      });
            })
        .recover(
            err ->
                err instanceof SessionStore.ClaimRefused refused
                    ? page(
                        400,
                        refused.reason == -2
                            ? "This authentication session has already been used."
                            : "The sign-in response is invalid or has expired.")
                    : Future.failedFuture(err));
  }

  /**
   * How long a claim holds (Redis's time, login_claim.lua): what a claimed sign-in may take at
   * most. The claim's reply reaching this gateway, the longest login timeout on the MVPD, the
   * profile write and the finish: each Redis call is bounded by {@code redis.commandTimeout}. A
   * claim older than this was abandoned (its gateway stopped mid-way), and the browser step may
   * start another.
   */
  private long claimHold() {
    long longest = 0;
    for (IntegrationConfig i : config.integrations())
      if (i.login() != null) longest = Math.max(longest, i.login().timeout().toMillis());
    return longest + CLAIM_REDIS_CALLS * config.redis().commandTimeout().toMillis();
  }

  // ---- profiles and logout ----------------------------------------------------------------

  /** PA, PM and PC for regular mvpds: valid profiles only; an expired one is simply absent. */
  @Override
  public Future<ProfilesReply> profiles(ProfilesRequest r) {
    if (r.code() != null) return profileOfCode(r);
    List<IntegrationConfig> wanted = new ArrayList<>();
    for (IntegrationConfig i : config.integrations()) {
      if (i.serviceProvider().equals(r.serviceProvider())
          && i.active()
          && i.hasMvpdLogin()
          && (r.mvpd() == null || i.mvpd().equals(r.mvpd()))) wanted.add(i);
    }
    List<Future<Profile>> reads = new ArrayList<>();
    for (IntegrationConfig i : wanted) reads.add(profile(i, r.caller().deviceHash(), null));
    return Future.all(reads)
        .map(
            all -> {
              List<Profile> out = new ArrayList<>();
              for (int n = 0; n < all.size(); n++)
                if (all.resultAt(n) != null) out.add(all.resultAt(n));
              return new ProfilesReply(null, out);
            });
  }

  private Future<ProfilesReply> profileOfCode(ProfilesRequest r) {
    if (!Randoms.looksLikeSessionCode(r.code()))
      return Future.succeededFuture(new ProfilesReply(ErrorCode.INVALID_PARAMETER_CODE, List.of()));
    return ownSession(r.code().toUpperCase(Locale.ROOT), r.serviceProvider(), r.caller())
        .compose(
            stored -> {
              if (stored == null)
                return Future.succeededFuture(
                    new ProfilesReply(ErrorCode.INVALID_AUTHENTICATION_SESSION, List.of()));
              IntegrationConfig integration =
                  stored.get("mvpd") == null
                      ? null
                      : config.integration(r.serviceProvider(), stored.get("mvpd"));
              if (!"done".equals(stored.get("status")) || integration == null)
                return Future.succeededFuture(new ProfilesReply(null, List.of()));
              return profile(integration, stored.get("dev"), stored.get("gen"))
                  .map(p -> new ProfilesReply(null, p == null ? List.of() : List.of(p)));
            });
  }

  /**
   * The device's valid profile, or null; with {@code generation}, only the profile of that login.
   */
  private Future<Profile> profile(
      IntegrationConfig integration, String deviceHash, String generation) {
    return profiles
        .get(integration, deviceHash)
        .map(
            p -> {
              if (p == null || p.identity() == null || p.expired(System.currentTimeMillis()))
                return null;
              if (generation != null && !generation.equals(p.generation())) return null;
              Map<String, Object> attributes = new LinkedHashMap<>();
              attributes.put("userID", p.identity().userId());
              attributes.putAll(p.identity().attributes());
              return new Profile(integration.mvpd(), p.notBefore(), p.notAfter(), attributes);
            });
  }

  /**
   * LO: deletes the device's profile (and so its cached decisions) and tells the app whether the
   * MVPD wants a visit.
   */
  @Override
  public Future<LogoutReply> logout(LogoutRequest r) {
    IntegrationConfig integration = r.integration();
    if (integration.isTempPass())
      return Future.succeededFuture(new LogoutReply("complete", "none", null));
    MvpdLogin login = connectors.login(integration);
    MvpdLogin.Identity[] identity = {null};
    Future<Boolean> deleted =
        login == null
            ? Future.succeededFuture(false)
            : profiles
                .get(integration, r.deviceHash())
                .compose(
                    p -> {
                      if (p != null) identity[0] = p.identity();
                      return p == null
                          ? Future.succeededFuture(false)
                          : profiles
                              .delete(integration, r.deviceHash())
                              .map(d -> d && !p.expired(System.currentTimeMillis()));
                    });
    return deleted.compose(
        had -> {
          if (!had) {
            boolean degraded = control.degradation(integration) == Degradation.AUTHN_ALL;
            return Future.succeededFuture(
                degraded
                    ? new LogoutReply("complete", "none", null)
                    : new LogoutReply("invalid", "none", null));
          }
          return login
              .logoutUrl(identity[0], r.redirectUrl())
              .otherwise(
                  err -> {
                    warn("MVPD end-session endpoint unavailable", integration, err, r.requestId());
                    return null;
                  })
              .map(
                  url ->
                      url == null
                          ? new LogoutReply("complete", "none", null)
                          : new LogoutReply("logout", "interactive", url));
        });
  }

  // ---- SAML: service-provider metadata and the IdP's logout answer ---------------------------

  /**
   * The SP metadata an MVPD onboards with. Integrations usually share one SP identity (entity id
   * and key); when they differ, {@code ?mvpd=} names the MVPD whose identity is wanted.
   */
  @Override
  public Future<DocumentReply> spMetadata(SpMetadataRequest r) {
    Map<String, SamlLogin> distinct = new LinkedHashMap<>();
    for (Map.Entry<String, SamlLogin> e : connectors.samlLogins().entrySet()) {
      SamlLogin saml = e.getValue();
      if (r.mvpd() != null && !saml.integration().mvpd().equals(r.mvpd())) continue;
      distinct.putIfAbsent(saml.entityId() + "|" + saml.credential().certificateBase64(), saml);
    }
    if (distinct.isEmpty())
      return Future.succeededFuture(
          new DocumentReply(
              404,
              null,
              r.mvpd() == null
                  ? "No MVPD signs in with SAML here."
                  : "No SAML integration has the mvpd " + safe(r.mvpd()) + "."));
    if (distinct.size() > 1)
      return Future.succeededFuture(
          new DocumentReply(
              400,
              null,
              "SAML integrations use different service-provider identities; name one with ?mvpd=."));
    return Future.succeededFuture(
        new DocumentReply(
            200,
            new String(
                distinct.values().iterator().next().spMetadata(),
                java.nio.charset.StandardCharsets.UTF_8),
            null));
  }

  /**
   * The IdP's LogoutResponse: the profile was deleted when the logout started; this only sends the
   * viewer back to the app's {@code redirectUrl}, once the answer is the IdP's own.
   */
  @Override
  public Future<BrowserReply> logoutReturn(LogoutReturn r) {
    io.vertx.core.json.JsonObject relay = connectors.openLogoutRelay(r.rawQuery());
    SamlLogin saml = relay == null ? null : connectors.samlLogins().get(relay.getString("m"));
    if (saml == null || relay.getLong("e", 0L) < System.currentTimeMillis())
      return page(400, "The sign-out response is invalid or has expired.");
    return saml.logoutReturned(r.rawQuery(), relay)
        .map(
            next ->
                next == null
                    ? new BrowserReply(null, 200, "You are signed out.")
                    : new BrowserReply(next, 302, null))
        .recover(
            err -> {
              LOG.atWarn()
                  .addKeyValue(Logs.REQUEST_ID, r.requestId())
                  .log(
                      "SAML logout response refused for {}: {}",
                      relay.getString("m"),
                      err.getMessage());
              return page(400, "The sign-out response could not be verified.");
            });
  }

  // ---- rules ------------------------------------------------------------------------------

  /**
   * The parameters' form and the service provider's domains (SPEC 4.6): the error reply, with
   * details when the code's usual meaning does not say what is wrong; null when acceptable.
   */
  SessionReply invalidParameters(String sp, String mvpd, String domainName, String redirectUrl) {
    if (mvpd != null && !MVPD_ID.matcher(mvpd).matches())
      return errorReply(ErrorCode.INVALID_PARAMETER_MVPD);
    MvpdSettings.ServiceProvider provider = config.serviceProvider(sp);
    if (domainName != null && !HostNames.valid(domainName))
      return errorReply(
          ErrorCode.INVALID_PARAMETER_DOMAIN_NAME,
          "domainName is not an RFC 1123 host name (labels of letters, digits and hyphens, 1-63"
              + " characters each, 253 in all): "
              + HostNames.quoted(domainName));
    if (domainName != null && (provider == null || !provider.ownsHost(domainName)))
      return errorReply(ErrorCode.INVALID_PARAMETER_DOMAIN_NAME);
    if (redirectUrl != null && (provider == null || !provider.allowsRedirect(redirectUrl)))
      return errorReply(ErrorCode.INVALID_PARAMETER_REDIRECT_URL);
    return null;
  }

  /**
   * The app's parameters do not fit a session (SessionStore.APP_BUDGET_BYTES): the redirect URL,
   * the one of them without a bound of its own below that budget, is named; without one, the domain
   * name. The details say why, since the code alone would point at the URL's form or domain.
   */
  private static SessionReply tooLarge(SessionRequest r) {
    return errorReply(
        r.redirectUrl() != null
            ? ErrorCode.INVALID_PARAMETER_REDIRECT_URL
            : ErrorCode.INVALID_PARAMETER_DOMAIN_NAME,
        "the app's parameters (mvpd, domainName, redirectUrl) exceed "
            + SessionStore.APP_BUDGET_BYTES
            + " bytes packed, all a session keeps of them: shorten "
            + (r.redirectUrl() != null ? "redirectUrl" : "domainName"));
  }

  /**
   * The session stored under {@code code} when it was opened by this service provider, device and
   * client; null when it is missing or expired, and when it is someone else's, so that a guessed
   * code tells the guesser nothing.
   */
  private Future<Map<String, String>> ownSession(
      String code, String serviceProvider, Caller caller) {
    return sessions
        .get(code)
        .map(
            stored ->
                stored != null
                        && serviceProvider.equals(stored.get("sp"))
                        && caller.deviceHash().equals(stored.get("dev"))
                        && SessionStore.clientTag(caller.clientId()).equals(stored.get("cli"))
                    ? stored
                    : null);
  }

  /**
   * Adobe's names for what is missing (CS sample 2 says {@code domain}, not {@code domainName}).
   */
  private static List<String> missing(String mvpd, String domainName, String redirectUrl) {
    List<String> missing = new ArrayList<>(3);
    if (mvpd == null) missing.add("mvpd");
    if (domainName == null) missing.add("domain");
    if (redirectUrl == null) missing.add("redirectUrl");
    return missing;
  }

  /**
   * An MVPD step that failed, named with its integration; the viewer gets a page or a retry. The
   * line carries the request id that page (or the API's error) shows, so a viewer's reference finds
   * it.
   */
  private static void warn(
      String what, IntegrationConfig integration, Throwable err, String requestId) {
    LOG.atWarn()
        .addKeyValue(Logs.REQUEST_ID, requestId)
        .log("{} for {}: {}", what, integration.id(), err.getMessage());
  }

  /** The shortcut's reply when there is one, else what {@code login} answers. */
  private static Future<SessionReply> orElse(
      Future<SessionReply> shortcut, Supplier<Future<SessionReply>> login) {
    return shortcut.compose(
        direct -> direct != null ? Future.succeededFuture(direct) : login.get());
  }

  /**
   * What the app may set on a session (mvpd, domain name, redirect URL), under their stored names.
   */
  private static Map<String, String> parameters(SessionRequest r) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("mvpd", r.mvpd());
    fields.put("dn", r.domainName());
    fields.put("ru", r.redirectUrl());
    return fields;
  }

  /**
   * After a session is created or resumed: to the browser step when nothing is missing, else back
   * to the app with {@code missingAction} ({@code resume} after a create, {@code retry} after a
   * resume) and the names of what is missing.
   */
  private static SessionReply next(
      String missingAction,
      String sp,
      String code,
      String mvpd,
      List<String> missing,
      long notBefore,
      long notAfter) {
    return missing.isEmpty()
        ? reply(
            "authenticate",
            "interactive",
            "none",
            null,
            "/api/v2/authenticate/" + sp + "/" + code,
            code,
            mvpd,
            notBefore,
            notAfter)
        : reply(
            missingAction,
            "direct",
            "none",
            missing,
            "/api/v2/" + sp + "/sessions/" + code,
            code,
            mvpd,
            notBefore,
            notAfter);
  }

  private static SessionReply reply(
      String name,
      String type,
      String reason,
      List<String> missing,
      String url,
      String code,
      String mvpd,
      long notBefore,
      long notAfter) {
    return new SessionReply(
        null, null, name, type, reason, missing, url, code, mvpd, notBefore, notAfter);
  }

  private void signIn(IntegrationConfig integration, SignIn step) {
    connectors.metrics().signIn(integration.id(), step);
  }

  private static Future<SessionReply> error(ErrorCode code) {
    return Future.succeededFuture(errorReply(code));
  }

  private static SessionReply errorReply(ErrorCode code) {
    return errorReply(code, null);
  }

  /** {@code details} null: the code's usual meaning is what the 400 says. */
  private static SessionReply errorReply(ErrorCode code, String details) {
    return new SessionReply(code, details, null, null, null, null, null, null, null, 0, 0);
  }

  private static SessionInfoReply infoError(ErrorCode code) {
    return new SessionInfoReply(code, null, null, null, 0, 0);
  }

  private static Future<BrowserReply> page(int status, String message) {
    return Future.succeededFuture(new BrowserReply(null, status, message));
  }

  private static final java.util.regex.Pattern MVPD_ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  private static final java.util.regex.Pattern SAFE =
      java.util.regex.Pattern.compile("[^A-Za-z0-9_.-]");

  /**
   * An MVPD's error code, fit for a log line (it is the MVPD's text, not ours): cut to 64
   * characters, then every character outside {@code [A-Za-z0-9_.-]} replaced, whatever the length.
   */
  static String safe(String value) {
    if (value == null) return "no code returned";
    String cut = value.length() > 64 ? value.substring(0, 64) : value;
    return SAFE.matcher(cut).replaceAll("?");
  }
}

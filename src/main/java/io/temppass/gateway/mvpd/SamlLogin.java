package io.temppass.gateway.mvpd;

import io.temppass.gateway.config.IntegrationConfig;
import io.temppass.gateway.config.MvpdSettings;
import io.temppass.gateway.saml.IdpMetadata;
import io.temppass.gateway.saml.LogoutResponses;
import io.temppass.gateway.saml.RedirectBinding;
import io.temppass.gateway.saml.ResponseValidator;
import io.temppass.gateway.saml.Saml;
import io.temppass.gateway.saml.SpMessages;
import io.temppass.gateway.xml.SigningCredential;
import io.temppass.gateway.xml.XmlRejected;
import io.temppass.gateway.xml.XmlSignatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SAML 2.0 Web SSO with an MVPD's IdP, as Adobe Pass runs it (integration digest §2): a signed
 * AuthnRequest over the HTTP-Redirect binding, the IdP's Response posted to the assertion consumer
 * service and checked by {@link ResponseValidator}, single logout over the redirect binding. The
 * gateway is the service provider, its identity and key from {@code login.saml}; the IdP's from its
 * metadata, re-read every {@code metadataRefresh} (a failed read keeps the last good one).
 *
 * <p>The session flow's {@code nonce} becomes the AuthnRequest ID ({@code _} + nonce) and its
 * {@code state} the RelayState: the Response's {@code InResponseTo} must name this session's
 * request, and the session's claim makes it one-use.
 */
public final class SamlLogin implements MvpdLogin {
  private static final System.Logger LOG = System.getLogger(SamlLogin.class.getName());

  /** The ACS path, Adobe's own ({@code /sp/saml/SAMLAssertionConsumer}). */
  public static final String ACS_PATH = "/sp/saml/SAMLAssertionConsumer";

  /** Where the IdP's LogoutResponse returns (HTTP-Redirect), Adobe's path. */
  public static final String SLO_PATH = "/sp/saml/LogoutServiceHTTPRedirectResponse";

  /** A logout's RelayState outlives the IdP's logout page by this much at most. */
  private static final long LOGOUT_LIFETIME_MILLIS = 10 * 60_000;

  private final Vertx vertx;
  private final IntegrationConfig integration;
  private final MvpdSettings.Login login;
  private final MvpdSettings.Saml saml;
  private final WebClient web;
  private final SecretBox box;
  private final SigningCredential credential;
  private final SpMessages.Requester requester;
  private final String acsUrl;
  private final String sloUrl;
  private volatile IdpMetadata metadata;
  private Future<IdpMetadata> loading;
  private long timer = -1;

  public SamlLogin(
      Vertx vertx, IntegrationConfig integration, String publicUrl, WebClient web, SecretBox box) {
    this.vertx = vertx;
    this.integration = integration;
    this.login = integration.login();
    this.saml = login.saml();
    this.web = web;
    this.box = box;
    this.credential = SigningCredential.fromPem(saml.privateKey(), saml.certificate());
    String entityId = saml.entityId() != null ? saml.entityId() : publicUrl + "/saml";
    this.requester =
        switch (saml.scoping()) {
          case MvpdSettings.Saml.SCOPING_ISSUER ->
              new SpMessages.Requester(
                  entityId, entityId + "/on-behalf-of/" + integration.serviceProvider(), null);
          case MvpdSettings.Saml.SCOPING_REQUESTER_ID ->
              new SpMessages.Requester(entityId, entityId, integration.serviceProvider());
          default -> new SpMessages.Requester(entityId, entityId, null);
        };
    this.acsUrl = publicUrl + ACS_PATH;
    this.sloUrl = publicUrl + SLO_PATH;
    if (saml.allowSha1())
      LOG.log(
          System.Logger.Level.WARNING,
          "integration "
              + integration.id()
              + " accepts SHA-1 SAML signatures (login.saml.allowSha1): SHA-1 is broken for"
              + " collision resistance; ask the MVPD for RSA-SHA256");
    metadata();
    timer =
        vertx.setPeriodic(saml.metadataRefresh().toMillis(), id -> reload().onFailure(err -> {}));
  }

  /** The IdP's metadata as last read, or null before the first good read. */
  IdpMetadata currentMetadata() {
    return metadata;
  }

  /** The IdP's metadata: the last good read, or a read now when there is none yet. */
  synchronized Future<IdpMetadata> metadata() {
    if (metadata != null) return Future.succeededFuture(metadata);
    if (loading == null || loading.failed()) loading = reload();
    return loading;
  }

  private Future<IdpMetadata> reload() {
    Future<Buffer> read =
        saml.metadataFile() != null
            ? vertx.fileSystem().readFile(saml.metadataFile())
            : web.getAbs(saml.metadataUrl())
                .as(CappedBody.MVPD_ANSWER)
                .send()
                .compose(
                    r ->
                        r.statusCode() == 200
                            ? Future.succeededFuture(r.body())
                            : Future.failedFuture(
                                new IllegalStateException("answered HTTP " + r.statusCode())));
    return read.compose(
            bytes ->
                vertx.executeBlocking(
                    () -> IdpMetadata.parse(bytes == null ? new byte[0] : bytes.getBytes()), false))
        .onSuccess(m -> metadata = m)
        .onFailure(
            err ->
                LOG.log(
                    System.Logger.Level.WARNING,
                    "SAML IdP metadata of "
                        + integration.id()
                        + " could not be read from "
                        + (saml.metadataFile() != null ? saml.metadataFile() : saml.metadataUrl())
                        + ": "
                        + err.getMessage()
                        + (metadata != null ? " (the last good metadata stays in use)" : "")));
  }

  IntegrationConfig integration() {
    return integration;
  }

  public String entityId() {
    return requester.entityId();
  }

  public SigningCredential credential() {
    return credential;
  }

  /** This SP's metadata for the MVPD's onboarding. */
  public byte[] spMetadata() {
    return SpMessages.metadata(requester.entityId(), List.of(credential), acsUrl, sloUrl);
  }

  @Override
  public Future<String> authorizationUrl(
      String state, String codeChallenge, String nonce, String redirectUri) {
    return metadata()
        .map(
            idp ->
                RedirectBinding.signedUrl(
                    idp.singleSignOnUrl(),
                    "SAMLRequest",
                    SpMessages.authnRequest(
                        requestId(nonce), requester, idp.singleSignOnUrl(), acsUrl, Instant.now()),
                    state,
                    credential.privateKey()));
  }

  private static String requestId(String nonce) {
    return "_" + nonce;
  }

  @Override
  public String refusal(Map<String, String> answer) {
    return answer.get("SAMLResponse") == null ? "no SAMLResponse was posted" : null;
  }

  @Override
  public Future<Identity> complete(
      Map<String, String> answer, String codeVerifier, String nonce, String redirectUri) {
    String posted = answer.get("SAMLResponse");
    return metadata()
        .compose(
            idp ->
                vertx.executeBlocking(
                    () -> identity(validate(idp, posted, requestId(nonce))), false));
  }

  private ResponseValidator.Assertion validate(IdpMetadata idp, String posted, String requestId) {
    if (posted.length() > ResponseValidator.MAX_BYTES * 4 / 3 + 4)
      throw new LoginFailedException("the SAMLResponse is larger than accepted", true);
    byte[] xml;
    try {
      xml = Base64.getMimeDecoder().decode(posted);
    } catch (IllegalArgumentException e) {
      throw new LoginFailedException("the SAMLResponse is not Base64", true);
    }
    Set<String> audiences = new LinkedHashSet<>(List.of(requester.entityId(), requester.issuer()));
    try {
      return ResponseValidator.validate(
          xml,
          new ResponseValidator.Expected(
              idp.entityId(),
              acsUrl,
              audiences,
              requestId,
              new XmlSignatures.Policy(idp.signingCertificates(), saml.allowSha1()),
              saml.clockSkew(),
              Instant.now(),
              credential.privateKey()));
    } catch (XmlRejected e) {
      throw new LoginFailedException("SAML response refused: " + e.getMessage(), true);
    } catch (ResponseValidator.NotSuccess e) {
      throw new LoginFailedException(e.getMessage());
    }
  }

  private Identity identity(ResponseValidator.Assertion assertion) {
    String userId;
    if (saml.userIdAttribute() == null) {
      userId = assertion.nameId();
    } else {
      List<String> values = assertion.attributes().get(saml.userIdAttribute());
      userId = values == null || values.isEmpty() ? null : values.get(0);
    }
    if (userId == null || userId.isBlank())
      throw new LoginFailedException(
          "the MVPD named no user ("
              + (saml.userIdAttribute() == null ? "NameID" : "attribute " + saml.userIdAttribute())
              + ")");
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : login.attributeClaims().entrySet()) {
      List<String> values = assertion.attributes().get(e.getValue());
      if (values == null || values.isEmpty()) continue;
      // As the OIDC path keeps a structured claim: one value plain, several as their JSON text.
      attributes.put(
          e.getKey(), values.size() == 1 ? values.get(0) : new JsonArray(values).toString());
    }
    // What a LogoutRequest must name, kept short (a profile's Redis memory): the NameID only when
    // it is not the userID, its format only when not persistent.
    JsonObject logout = new JsonObject();
    if (!assertion.nameId().equals(userId)) logout.put("n", assertion.nameId());
    if (assertion.nameIdFormat() != null
        && !assertion.nameIdFormat().isEmpty()
        && !Saml.PERSISTENT.equals(assertion.nameIdFormat()))
      logout.put("f", assertion.nameIdFormat());
    if (assertion.sessionIndex() != null) logout.put("s", assertion.sessionIndex());
    return new Identity(userId, attributes, null, logout.encode());
  }

  /**
   * A signed LogoutRequest to the IdP's single-logout endpoint; its RelayState seals the request's
   * ID, where the viewer returns and until when, so the LogoutResponse needs no server state.
   */
  @Override
  public Future<String> logoutUrl(Identity identity, String postLogoutRedirectUri) {
    return metadata()
        .map(
            idp -> {
              if (idp.singleLogoutUrl() == null
                  || identity == null
                  || identity.logoutHandle() == null) return null;
              JsonObject handle = new JsonObject(identity.logoutHandle());
              String id = Saml.newId();
              JsonObject relay =
                  new JsonObject()
                      .put("i", id)
                      .put("m", integration.id())
                      .put("e", System.currentTimeMillis() + LOGOUT_LIFETIME_MILLIS);
              if (postLogoutRedirectUri != null) relay.put("r", postLogoutRedirectUri);
              return RedirectBinding.signedUrl(
                  idp.singleLogoutUrl(),
                  "SAMLRequest",
                  SpMessages.logoutRequest(
                      id,
                      requester,
                      idp.singleLogoutUrl(),
                      handle.getString("n", identity.userId()),
                      handle.getString("f", Saml.PERSISTENT),
                      handle.getString("s"),
                      Instant.now()),
                  box.seal(relay.encode(), RELAY_BINDING),
                  credential.privateKey());
            });
  }

  static final String RELAY_BINDING = "saml-logout";

  /**
   * The IdP's LogoutResponse ({@code rawQuery} as received): where the viewer goes next, or a
   * failure when it is not this IdP's signed answer to a logout of ours.
   */
  Future<String> logoutReturned(String rawQuery, JsonObject relay) {
    return metadata()
        .compose(
            idp ->
                vertx.executeBlocking(
                    () -> {
                      RedirectBinding.Received received =
                          RedirectBinding.read(
                              rawQuery,
                              "SAMLResponse",
                              idp.signingCertificates(),
                              saml.allowSha1(),
                              ResponseValidator.MAX_BYTES);
                      boolean success =
                          LogoutResponses.success(
                              received.xml(), idp.entityId(), relay.getString("i"), sloUrl);
                      if (!success)
                        LOG.log(
                            System.Logger.Level.INFO,
                            "the IdP of " + integration.id() + " did not end its own session");
                      return relay.getString("r");
                    },
                    false));
  }

  public void close() {
    if (timer >= 0) vertx.cancelTimer(timer);
  }
}

package io.temppass.gateway.support;

import io.temppass.gateway.saml.IdpMessages;
import io.temppass.gateway.saml.RedirectBinding;
import io.temppass.gateway.xml.SecureXml;
import io.temppass.gateway.xml.SigningCredential;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.w3c.dom.Document;

/**
 * A SAML IdP played by a test, over real HTTP against a running gateway: its own key and metadata
 * file, the gateway's SP key (so the AuthnRequest's signature is checked here as an MVPD would),
 * and the steps of a sign-in as a browser takes them, so that a test can forge any Response.
 */
public final class SamlTestIdp {
  public static final String ENTITY_ID = "https://idp.mvpd.example/saml";
  public static final String SSO_URL = "https://idp.mvpd.example/sso";
  public static final String SLO_URL = "https://idp.mvpd.example/slo";

  public final SigningCredential idp = SigningCredential.generate("idp.mvpd.example");
  public final SigningCredential sp = SigningCredential.generate("gateway-sp");
  public final Path metadata;
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private int port;

  public SamlTestIdp(Path dir) throws java.io.IOException {
    metadata = dir.resolve("idp-metadata.xml");
    Files.write(metadata, IdpMessages.metadata(ENTITY_ID, SSO_URL, SLO_URL, List.of(idp)));
  }

  /** Rewrites the metadata file: these signing certificates, with or without single logout. */
  public void writeMetadata(List<SigningCredential> signing, boolean singleLogout)
      throws java.io.IOException {
    Path next = metadata.resolveSibling("idp-metadata.next");
    Files.write(
        next, IdpMessages.metadata(ENTITY_ID, SSO_URL, singleLogout ? SLO_URL : null, signing));
    Files.move(
        next,
        metadata,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The logout answer for {@code pending}'s device ({@code logouts.<mvpd>}). */
  public JsonObject logout(String sp, String mvpd, Pending pending) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/api/v2/"
                            + sp
                            + "/logout/"
                            + mvpd
                            + "?redirectUrl="
                            + URLEncoder.encode(MvpdSignIn.REDIRECT_URL, StandardCharsets.UTF_8)))
                .header("Authorization", AccessTokens.bearer())
                .header("AP-Device-Identifier", Api.fingerprint(pending.deviceId()))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200)
      throw new IllegalStateException("logout: " + r.statusCode() + " " + r.body());
    return new JsonObject(r.body()).getJsonObject("logouts").getJsonObject(mvpd);
  }

  /** The integration entry: SAML login against this IdP, JSON authorization at {@code authzUrl}. */
  public JsonObject integration(String sp, String mvpd, String authzUrl) {
    return new JsonObject()
        .put("serviceProvider", sp)
        .put("mvpd", mvpd)
        .put("type", "regular")
        .put(
            "login",
            new JsonObject()
                .put("type", "saml")
                .put(
                    "saml",
                    new JsonObject()
                        .put("metadataFile", metadata.toString())
                        .put("privateKey", this.sp.privateKeyPem())
                        .put("certificate", this.sp.certificatePem()))
                .put(
                    "attributeClaims",
                    new JsonObject().put("householdID", "householdId").put("zip", "zip")))
        .put("authorization", new JsonObject().put("url", authzUrl));
  }

  public void gatewayPort(int port) {
    this.port = port;
  }

  public String acsUrl() {
    return "http://127.0.0.1:" + port + "/sp/saml/SAMLAssertionConsumer";
  }

  /** The gateway's SP entity id with Adobe's on-behalf-of scoping for {@code sp}. */
  public String audience() {
    return "http://127.0.0.1:" + port + "/saml";
  }

  /** A session waiting at the IdP: its code, the AuthnRequest's ID and the RelayState. */
  public record Pending(
      String code, String requestId, String relayState, String issuer, String deviceId) {}

  /** {@link #start(String, String, String)} on a device of its own (no profile yet). */
  public Pending start(String sp, String mvpd) throws Exception {
    return start(sp, mvpd, "saml-device-" + java.util.UUID.randomUUID());
  }

  /** Creates a session and opens its browser step; checks the AuthnRequest's signature. */
  public Pending start(String sp, String mvpd, String deviceId) throws Exception {
    String form =
        "mvpd="
            + mvpd
            + "&domainName=example.com&redirectUrl="
            + URLEncoder.encode(MvpdSignIn.REDIRECT_URL, StandardCharsets.UTF_8);
    HttpResponse<String> session =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v2/" + sp + "/sessions"))
                .header("Authorization", AccessTokens.bearer())
                .header("AP-Device-Identifier", Api.fingerprint(deviceId))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (session.statusCode() != 200)
      throw new IllegalStateException("session: " + session.statusCode() + " " + session.body());
    JsonObject body = new JsonObject(session.body());
    HttpResponse<String> step = get("http://127.0.0.1:" + port + body.getString("url"));
    if (step.statusCode() != 302)
      throw new IllegalStateException(
          "browser step " + body + ": " + step.statusCode() + " " + step.body());
    URI sso = URI.create(step.headers().firstValue("Location").orElseThrow());
    if (!SSO_URL.equals(sso.getScheme() + "://" + sso.getHost() + sso.getPath()))
      throw new IllegalStateException("not sent to the IdP: " + sso);
    RedirectBinding.Received received =
        RedirectBinding.read(
            sso.getRawQuery(), "SAMLRequest", List.of(this.sp.certificate()), false, 65536);
    IdpMessages.Request request = IdpMessages.readRequest(received.xml());
    return new Pending(
        body.getString("code"), request.id(), received.relayState(), request.issuer(), deviceId);
  }

  /** A Response answering {@code pending}, unsigned, for the subscriber {@code nameId}. */
  public Document response(Pending pending, String nameId) {
    return IdpMessages.response(
        new IdpMessages.ResponseSpec(
            ENTITY_ID,
            acsUrl(),
            pending.requestId(),
            audience(),
            nameId,
            Map.of("householdId", List.of("HH-7"), "zip", List.of("10001")),
            Instant.now(),
            Duration.ofMinutes(5)));
  }

  /** Posts {@code xml} to the ACS as the browser's auto-submitted form would. */
  public HttpResponse<String> post(byte[] xml, String relayState) throws Exception {
    return postRaw(Base64.getEncoder().encodeToString(xml), relayState);
  }

  public HttpResponse<String> post(Document doc, String relayState) throws Exception {
    return post(SecureXml.serialize(doc), relayState);
  }

  public HttpResponse<String> postRaw(String samlResponse, String relayState) throws Exception {
    String form =
        "SAMLResponse="
            + URLEncoder.encode(samlResponse, StandardCharsets.UTF_8)
            + "&RelayState="
            + URLEncoder.encode(relayState, StandardCharsets.UTF_8);
    return http.send(
        HttpRequest.newBuilder(URI.create(acsUrl()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The profile a session's sign-in produced, or null. */
  public JsonObject profileOf(String sp, String mvpd, Pending pending) throws Exception {
    return profileOf(sp, mvpd, pending.code(), pending.deviceId());
  }

  public JsonObject profileOf(String sp, String mvpd, String code, String deviceId)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + port + "/api/v2/" + sp + "/profiles/code/" + code))
                .header("Authorization", AccessTokens.bearer())
                .header("AP-Device-Identifier", Api.fingerprint(deviceId))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200)
      throw new IllegalStateException("profiles: " + r.statusCode() + " " + r.body());
    return new JsonObject(r.body()).getJsonObject("profiles").getJsonObject(mvpd);
  }
}

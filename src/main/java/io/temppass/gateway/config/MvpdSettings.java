package io.temppass.gateway.config;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import io.temppass.gateway.config.Problems.Positive;
import io.temppass.gateway.config.Problems.Range;
import io.temppass.gateway.xml.SigningCredential;
import io.temppass.gateway.xml.XmlSignatures;
import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Settings of the regular-MVPD path (SPEC 4.6): the service providers' domains, authentication
 * sessions, and per regular integration the MVPD's login (OAuth 2.0 / OpenID Connect) and
 * authorization endpoint. Bound with the rest of the configuration and checked here, so every error
 * names the setting's path.
 */
public final class MvpdSettings {
  private MvpdSettings() {}

  /** A programmer's registered domain ({@code requestor.domains} of the configuration API). */
  public record Domain(String name, boolean mvpdInitiated) {
    public Domain {
      name = name == null ? null : name.strip();
    }
  }

  /**
   * A service provider's own settings; {@code domains} bound every {@code redirectUrl} and {@code
   * domainName}.
   */
  public record ServiceProvider(String id, String name, List<Domain> domains) {
    public ServiceProvider {
      if (name == null) name = id;
    }

    private static final int MAX_REDIRECT_CHARS = 2048;

    /**
     * An absolute http(s) URL on one of the domains, without user info: the gateway never redirects
     * a browser elsewhere. Only printable ASCII is accepted (RFC 3986 URLs are ASCII; anything else
     * is percent-encoded by the app): a non-ASCII character would pass {@link URI} and then leave
     * in the {@code Location} header as other bytes than were checked, and a space or control
     * character has no place in a URL at all.
     */
    public boolean allowsRedirect(String url) {
      if (url == null || url.length() > MAX_REDIRECT_CHARS || !printableAscii(url)) return false;
      try {
        URI uri = new URI(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("https") || scheme.equals("http"))
            && uri.getRawUserInfo() == null
            && ownsHost(uri.getHost());
      } catch (java.net.URISyntaxException e) {
        return false;
      }
    }

    private static boolean printableAscii(String url) {
      for (int i = 0; i < url.length(); i++) {
        char c = url.charAt(i);
        if (c <= ' ' || c >= 0x7f) return false;
      }
      return true;
    }

    /** True when {@code host} is one of the domains or a subdomain of one (case-insensitive). */
    public boolean ownsHost(String host) {
      if (host == null || host.isEmpty()) return false;
      String h = host.toLowerCase(Locale.ROOT);
      for (Domain d : domains) {
        String name = d.name().toLowerCase(Locale.ROOT);
        if (h.equals(name) || h.endsWith("." + name)) return true;
      }
      return false;
    }
  }

  /**
   * Authentication sessions: {@code publicUrl} is where browsers reach the gateway (the OAuth
   * {@code redirect_uri} is built from it), {@code codeTtl} how long a session code lives, {@code
   * encryptionKey} the AES-256 key that encrypts what the MVPD returned (user id, attributes,
   * refresh token) in Redis.
   */
  public record Sessions(
      String publicUrl,
      @Positive Duration codeTtl,
      @JsonDeserialize(using = EncryptionKey.class) byte[] encryptionKey,
      Duration expiredProfileRetention) {
    public Sessions {
      publicUrl = url(publicUrl);
      while (publicUrl != null && publicUrl.endsWith("/"))
        publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
    }

    public String callbackUrl() {
      return publicUrl + "/api/v2/authenticate/callback";
    }
  }

  /**
   * The MVPD's OAuth 2.0 authorization-code login. With {@code issuer}, the endpoints come from
   * OpenID Connect discovery and the ID token is validated (signature, issuer, audience, nonce,
   * expiry); without it, the explicit endpoints are used and the user comes from the user-info
   * endpoint. {@code timeout} bounds the MVPD's side of completing a sign-in (token exchange,
   * user-info): past it the sign-in ends as refused and the code may try again.
   */
  public record Login(
      String type,
      String issuer,
      String authorizationEndpoint,
      String tokenEndpoint,
      String userInfoEndpoint,
      String endSessionEndpoint,
      String clientId,
      @JsonDeserialize(using = ConfigBinder.FileSetting.class) String clientSecret,
      List<String> scopes,
      String userIdClaim,
      Map<String, String> attributeClaims,
      @Positive Duration timeout,
      Saml saml) {
    public static final String OIDC = "oidc";
    public static final String SAML = "saml";

    public Login {
      type = type == null || type.isBlank() ? OIDC : type.strip().toLowerCase(Locale.ROOT);
      if (SAML.equals(type) && saml == null)
        saml = new Saml(null, null, null, null, null, null, null, null, null, null);
      issuer = url(issuer);
      authorizationEndpoint = url(authorizationEndpoint);
      tokenEndpoint = url(tokenEndpoint);
      userInfoEndpoint = url(userInfoEndpoint);
      endSessionEndpoint = url(endSessionEndpoint);
      clientSecret = clientSecret == null ? null : clientSecret.strip();
      if (scopes == null || scopes.isEmpty())
        scopes = issuer != null ? List.of("openid", "profile") : List.of("profile");
    }

    public boolean openIdConnect() {
      return issuer != null;
    }

    public boolean isSaml() {
      return SAML.equals(type);
    }
  }

  /**
   * A SAML 2.0 MVPD ({@code login.type: saml}): the IdP's metadata ({@code metadataUrl}, an http(s)
   * URL, or {@code metadataFile}, a path; re-read every {@code metadataRefresh}), the gateway's
   * service-provider identity ({@code entityId}, default {@code <publicUrl>/saml}; {@code scoping}
   * {@code issuer} for Adobe's {@code <entityId>/on-behalf-of/<serviceProvider>} Issuer, {@code
   * requesterId} for {@code Scoping/RequesterID}, or {@code none}), its key and certificate ({@code
   * privateKey} PKCS#8 PEM, {@code certificate} PEM; usually {@code file:}), where the user id
   * comes from ({@code userIdAttribute}, default the NameID), whether SHA-1 signatures are
   * tolerated ({@code allowSha1}, legacy MVPDs) and how far the IdP's clock may be off ({@code
   * clockSkew}).
   */
  public record Saml(
      String metadataUrl,
      String metadataFile,
      Duration metadataRefresh,
      String entityId,
      String scoping,
      @JsonDeserialize(using = ConfigBinder.FileSetting.class) String privateKey,
      @JsonDeserialize(using = ConfigBinder.FileSetting.class) String certificate,
      String userIdAttribute,
      Boolean allowSha1,
      Duration clockSkew) {
    public static final String SCOPING_ISSUER = "issuer";
    public static final String SCOPING_REQUESTER_ID = "requesterId";
    public static final String SCOPING_NONE = "none";

    public Saml {
      metadataUrl = url(metadataUrl);
      metadataFile = metadataFile == null || metadataFile.isBlank() ? null : metadataFile.strip();
      if (metadataRefresh == null) metadataRefresh = Duration.ofHours(1);
      entityId = url(entityId);
      scoping = scoping == null || scoping.isBlank() ? SCOPING_ISSUER : scoping.strip();
      userIdAttribute =
          userIdAttribute == null || userIdAttribute.isBlank() ? null : userIdAttribute.strip();
      if (allowSha1 == null) allowSha1 = false;
      if (clockSkew == null) clockSkew = Duration.ofSeconds(60);
    }
  }

  /**
   * The MVPD's authorization endpoint (docs/MVPD.md): one call per resource, bounded by {@code
   * connectTimeout}, {@code readTimeout} and the per-decision {@code deadline}; at most {@code
   * maxConcurrency} calls in flight per process; a circuit breaker opens after {@code
   * breakerFailures} failures in a row and half-opens after {@code breakerResetTimeout}.
   */
  public record Authorization(
      String url,
      @Positive Duration connectTimeout,
      @Positive Duration readTimeout,
      @Positive Duration deadline,
      @Range(min = 1, max = 10_000) int maxConcurrency,
      @Range(min = 1, max = 1000) int breakerFailures,
      @Positive Duration breakerResetTimeout,
      Protocol type,
      String issuer,
      @JsonDeserialize(using = ConfigBinder.FileSetting.class) String signingKey,
      @JsonDeserialize(using = ConfigBinder.FileSetting.class) String signingCertificate,
      boolean signed,
      @JsonDeserialize(contentUsing = ConfigBinder.FileSetting.class) List<String> certificates,
      boolean allowSha1,
      boolean multipleResources) {
    public Authorization {
      url = MvpdSettings.url(url);
      issuer = issuer == null || issuer.isBlank() ? null : issuer.strip();
      if (type == null) type = Protocol.JSON;
      certificates = certificates == null ? List.of() : certificates;
    }

    public boolean xacml() {
      return type == Protocol.XACML;
    }

    /** The gateway's key for signing XACML queries, or null when queries go unsigned. */
    public SigningCredential signer() {
      return signingKey == null ? null : SigningCredential.fromPem(signingKey, signingCertificate);
    }

    /** What the MVPD's signed answers are checked against, or null when {@code signed} is false. */
    public XmlSignatures.Policy answerPolicy() {
      if (!signed) return null;
      List<X509Certificate> trusted = new ArrayList<>();
      for (String pem : certificates) trusted.addAll(SigningCredential.certificates(pem));
      return new XmlSignatures.Policy(trusted, allowSha1);
    }
  }

  /** How the gateway asks an MVPD for decisions. */
  public enum Protocol {
    /** The gateway's JSON contract (docs/MVPD.md). */
    JSON("json"),
    /** Adobe's XACMLAuthzDecisionQuery over SOAP 1.1 (README "XACML authorization"). */
    XACML("xacml");

    @JsonValue public final String wireName;

    Protocol(String wireName) {
      this.wireName = wireName;
    }
  }

  /**
   * The service providers, the sessions, and whether sessions are complete enough for the
   * integrations that have a login.
   */
  static void check(
      Problems p, List<ServiceProvider> serviceProviders, Sessions s, boolean loginConfigured) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < serviceProviders.size(); i++) {
      ServiceProvider sp = serviceProviders.get(i);
      if (sp == null
          || !p.check(
              sp.id() != null && !sp.id().isBlank(),
              "serviceProviders[" + i + "].id",
              "is required")) continue;
      p.check(ids.add(sp.id()), "serviceProviders", "duplicate id '" + sp.id() + "'");
      for (int j = 0; j < sp.domains().size(); j++) {
        String name = sp.domains().get(j) == null ? "" : sp.domains().get(j).name();
        String at = "serviceProviders[" + i + "].domains[" + j + "].name";
        if (p.check(name != null && !name.isBlank(), at, "is required")) {
          p.check(
              name.matches("[A-Za-z0-9.-]{1,253}") && !name.startsWith(".") && !name.endsWith("."),
              at,
              "must be a host name such as example.com, got '" + name + "'");
        }
      }
    }
    if (s.publicUrl() != null) httpUrl(p, s.publicUrl(), "sessions.publicUrl");
    p.check(
        s.codeTtl().compareTo(Duration.ofDays(1)) <= 0, "sessions.codeTtl", "must be at most 1d");
    if (s.encryptionKey() != null) {
      p.check(
          s.encryptionKey().length == 32,
          "sessions.encryptionKey",
          "must be 32 bytes in Base64 (openssl rand -base64 32), got "
              + s.encryptionKey().length
              + " bytes");
    }
    p.check(
        s.expiredProfileRetention().compareTo(Duration.ofDays(30)) <= 0,
        "sessions.expiredProfileRetention",
        "must be between 0 and 30d");
    if (loginConfigured) {
      p.check(
          s.publicUrl() != null,
          "sessions.publicUrl",
          "is required when an integration has an MVPD login: the MVPD redirects browsers back to it");
      p.check(
          s.encryptionKey() != null,
          "sessions.encryptionKey",
          "is required when an integration has an MVPD login: what the MVPD returns is encrypted at rest");
    }
  }

  /** {@code at}: the login's path and a dot, e.g. {@code integrations[2].login.}. */
  static void check(Problems p, Login l, String at) {
    if (!p.check(
        Login.OIDC.equals(l.type()) || Login.SAML.equals(l.type()),
        at + "type",
        "must be oidc or saml, got '" + l.type() + "'")) return;
    if (l.isSaml()) {
      checkSaml(p, l, at);
      return;
    }
    p.check(l.saml() == null, at + "saml", "applies to type: saml only");
    Map<String, String> urls = new LinkedHashMap<>();
    urls.put("issuer", l.issuer());
    urls.put("authorizationEndpoint", l.authorizationEndpoint());
    urls.put("tokenEndpoint", l.tokenEndpoint());
    urls.put("userInfoEndpoint", l.userInfoEndpoint());
    urls.put("endSessionEndpoint", l.endSessionEndpoint());
    urls.forEach(
        (key, url) -> {
          if (url != null) httpUrl(p, url, at + key);
        });
    p.check(
        l.issuer() != null
            || (l.authorizationEndpoint() != null
                && l.tokenEndpoint() != null
                && l.userInfoEndpoint() != null),
        at + "issuer",
        "set issuer (OpenID Connect discovery) or all of authorizationEndpoint, tokenEndpoint and userInfoEndpoint");
    p.check(l.clientId() != null && !l.clientId().isBlank(), at + "clientId", "is required");
    if (p.check(l.clientSecret() != null, at + "clientSecret", "is required"))
      p.check(!l.clientSecret().isEmpty(), at + "clientSecret", "must not be empty");
    p.check(
        l.issuer() == null || l.scopes().contains("openid"),
        at + "scopes",
        "must contain openid when issuer is set");
    p.check(
        !l.attributeClaims().containsKey("userID"),
        at + "attributeClaims.userID",
        "use userIdClaim for the userID");
  }

  private static void checkSaml(Problems p, Login l, String at) {
    Saml s = l.saml();
    String sat = at + "saml.";
    for (String oidcOnly :
        new String[] {
          l.issuer(),
          l.authorizationEndpoint(),
          l.tokenEndpoint(),
          l.userInfoEndpoint(),
          l.endSessionEndpoint(),
          l.clientId(),
          l.clientSecret()
        }) {
      if (oidcOnly != null) {
        p.check(
            false,
            at + "type",
            "is saml: issuer, the OAuth endpoints, clientId and clientSecret apply to oidc only");
        break;
      }
    }
    p.check(
        (s.metadataUrl() == null) != (s.metadataFile() == null),
        sat + "metadataUrl",
        "set exactly one of metadataUrl (http(s) URL of the IdP's metadata) and metadataFile (a path)");
    if (s.metadataUrl() != null) httpUrl(p, s.metadataUrl(), sat + "metadataUrl");
    p.check(
        s.metadataRefresh().compareTo(Duration.ofSeconds(10)) >= 0
            && s.metadataRefresh().compareTo(Duration.ofDays(7)) <= 0,
        sat + "metadataRefresh",
        "must be between 10s and 7d");
    if (s.entityId() != null) {
      URI uri;
      try {
        uri = new URI(s.entityId());
      } catch (java.net.URISyntaxException e) {
        uri = null;
      }
      p.check(
          uri != null && uri.getScheme() != null,
          sat + "entityId",
          "must be an absolute URI, got '" + s.entityId() + "'");
    }
    p.check(
        Set.of(Saml.SCOPING_ISSUER, Saml.SCOPING_REQUESTER_ID, Saml.SCOPING_NONE)
            .contains(s.scoping()),
        sat + "scoping",
        "must be issuer, requesterId or none, got '" + s.scoping() + "'");
    boolean key =
        p.check(
            s.privateKey() != null, sat + "privateKey", "is required (PKCS#8 PEM, usually file:)");
    boolean cert =
        p.check(s.certificate() != null, sat + "certificate", "is required (PEM, usually file:)");
    if (cert) {
      try {
        io.temppass.gateway.xml.SigningCredential.certificates(s.certificate());
        if (key) io.temppass.gateway.xml.SigningCredential.fromPem(s.privateKey(), s.certificate());
      } catch (IllegalArgumentException e) {
        p.check(
            false,
            sat + (e.getMessage().contains("private key") ? "privateKey" : "certificate"),
            e.getMessage());
      }
    }
    p.check(
        !s.clockSkew().isNegative() && s.clockSkew().compareTo(Duration.ofMinutes(5)) <= 0,
        sat + "clockSkew",
        "must be between 0 and 5m");
    p.check(
        !l.attributeClaims().containsKey("userID"),
        at + "attributeClaims.userID",
        "use saml.userIdAttribute for the userID");
  }

  /** {@code at}: the authorization's path and a dot. */
  static void check(Problems p, Authorization a, String at) {
    if (p.check(a.url() != null, at + "url", "is required")) httpUrl(p, a.url(), at + "url");
    checkXacml(p, a, at);
    p.check(
        a.deadline().compareTo(Duration.ofSeconds(60)) <= 0,
        at + "deadline",
        "must be at most 60s");
    p.check(
        a.readTimeout().compareTo(a.deadline()) <= 0,
        at + "readTimeout",
        "must not exceed deadline");
    p.check(
        a.connectTimeout().compareTo(a.deadline()) <= 0,
        at + "connectTimeout",
        "must not exceed deadline");
  }

  /** The XACML settings: refused on a JSON integration, complete and readable on an XACML one. */
  private static void checkXacml(Problems p, Authorization a, String at) {
    if (!a.xacml()) {
      p.check(a.issuer() == null, at + "issuer", "applies to type: xacml only");
      p.check(a.signingKey() == null, at + "signingKey", "applies to type: xacml only");
      p.check(
          a.signingCertificate() == null, at + "signingCertificate", "applies to type: xacml only");
      p.check(!a.signed(), at + "signed", "applies to type: xacml only");
      p.check(a.certificates().isEmpty(), at + "certificates", "applies to type: xacml only");
      p.check(!a.allowSha1(), at + "allowSha1", "applies to type: xacml only");
      p.check(
          !a.multipleResources(),
          at + "multipleResources",
          "applies to type: xacml only (the JSON contract asks one resource per call)");
      return;
    }
    if (a.issuer() != null) httpUrl(p, a.issuer(), at + "issuer");
    if (a.signingKey() != null || a.signingCertificate() != null) {
      if (p.check(
              a.signingKey() != null,
              at + "signingKey",
              "is required with signingCertificate (PKCS#8 PEM, inline or file:)")
          && p.check(
              a.signingCertificate() != null,
              at + "signingCertificate",
              "is required with signingKey (PEM, inline or file:)")) {
        try {
          SigningCredential signer = a.signer();
          p.check(
              "RSA".equals(signer.privateKey().getAlgorithm()),
              at + "signingKey",
              "must be an RSA key (queries are signed with RSA-SHA256)");
        } catch (IllegalArgumentException e) {
          p.add(at + "signingKey", "with signingCertificate: " + e.getMessage());
        }
      }
    }
    if (a.signed()) {
      if (p.check(
          !a.certificates().isEmpty(),
          at + "certificates",
          "is required when signed is true: the MVPD's signing certificates (PEM, inline or file:)"))
        for (int i = 0; i < a.certificates().size(); i++) {
          try {
            SigningCredential.certificates(a.certificates().get(i));
          } catch (IllegalArgumentException e) {
            p.add(at + "certificates[" + i + "]", e.getMessage());
          }
        }
    } else {
      p.check(
          a.certificates().isEmpty(),
          at + "certificates",
          "are only read when signed is true; set signed: true or remove them");
      p.check(!a.allowSha1(), at + "allowSha1", "applies when signed is true only");
    }
  }

  /** A blank URL setting is no URL; the value is used without surrounding spaces. */
  private static String url(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  static void httpUrl(Problems p, String value, String setting) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    p.check(
        uri != null
            && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
            && uri.getHost() != null,
        setting,
        "must be an http:// or https:// URL, got '" + value + "'");
  }

  /** {@code sessions.encryptionKey}: Base64, inline or in a {@code file:}. */
  static final class EncryptionKey extends StdScalarDeserializer<byte[]> {
    EncryptionKey() {
      super(byte[].class);
    }

    @Override
    public byte[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String encoded = new ConfigBinder.FileSetting().deserialize(p, ctxt);
      try {
        return encoded == null ? null : Base64.getDecoder().decode(encoded.strip());
      } catch (IllegalArgumentException e) {
        throw new ConfigBinder.Invalid(p, "must be 32 bytes in Base64 (openssl rand -base64 32)");
      }
    }
  }
}

package io.temppass.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Settings of the regular-MVPD path (SPEC 4.6): the service providers' domains, authentication
 * sessions, and per regular integration the MVPD's login (OAuth 2.0 / OpenID Connect) and
 * authorization endpoint. Parsed here, beside the rest of the configuration, so every error names
 * the setting's path.
 */
public final class MvpdSettings {
  private MvpdSettings() {}

  /** A programmer's registered domain ({@code requestor.domains} of the configuration API). */
  public record Domain(String name, boolean mvpdInitiated) {}

  /** A service provider's own settings; {@code domains} bound every {@code redirectUrl} and {@code domainName}. */
  public record ServiceProvider(String id, String name, List<Domain> domains) {
    private static final int MAX_REDIRECT_CHARS = 2048;

    /** An absolute http(s) URL on one of the domains, without user info: the gateway never redirects a browser elsewhere. */
    public boolean allowsRedirect(String url) {
      if (url == null || url.length() > MAX_REDIRECT_CHARS) return false;
      try {
        URI uri = new URI(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("https") || scheme.equals("http")) && uri.getRawUserInfo() == null && ownsHost(uri.getHost());
      } catch (java.net.URISyntaxException e) {
        return false;
      }
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
   * {@code redirect_uri} is built from it), {@code codeTtl} how long a session code lives,
   * {@code encryptionKey} the AES-256 key that encrypts what the MVPD returned (user id, attributes,
   * refresh token) in Redis.
   */
  public record Sessions(String publicUrl, Duration codeTtl, byte[] encryptionKey, Duration expiredProfileRetention) {
    public String callbackUrl() {
      return publicUrl + "/api/v2/authenticate/callback";
    }
  }

  /**
   * The MVPD's OAuth 2.0 authorization-code login. With {@code issuer}, the endpoints come from
   * OpenID Connect discovery and the ID token is validated (signature, issuer, audience, nonce,
   * expiry); without it, the explicit endpoints are used and the user comes from the user-info endpoint.
   */
  public record Login(
      String issuer,
      String authorizationEndpoint,
      String tokenEndpoint,
      String userInfoEndpoint,
      String endSessionEndpoint,
      String clientId,
      String clientSecret,
      List<String> scopes,
      String userIdClaim,
      Map<String, String> attributeClaims) {
    public boolean openIdConnect() {
      return issuer != null;
    }
  }

  /**
   * The MVPD's authorization endpoint (docs/MVPD.md): one call per resource, bounded by
   * {@code connectTimeout}, {@code readTimeout} and the per-decision {@code deadline}; at most
   * {@code maxConcurrency} calls in flight per process; a circuit breaker opens after
   * {@code breakerFailures} failures in a row and half-opens after {@code breakerResetTimeout}.
   */
  public record Authorization(
      String url,
      Duration connectTimeout,
      Duration readTimeout,
      Duration deadline,
      int maxConcurrency,
      int breakerFailures,
      Duration breakerResetTimeout) {}

  static List<ServiceProvider> serviceProviders(ConfigNode root) {
    List<ServiceProvider> out = new ArrayList<>();
    for (ConfigNode n : root.children("serviceProviders")) {
      String id = n.requiredString("id");
      List<Domain> domains = new ArrayList<>();
      for (ConfigNode d : n.children("domains")) {
        String name = d.requiredString("name").strip();
        if (!name.matches("[A-Za-z0-9.-]{1,253}") || name.startsWith(".") || name.endsWith(".")) {
          throw new ConfigException(d.path("name"), "must be a host name such as example.com, got '" + name + "'");
        }
        domains.add(new Domain(name, d.bool("mvpdInitiated", false)));
        d.finish();
      }
      out.add(new ServiceProvider(id, n.string("name", id), List.copyOf(domains)));
      n.finish();
    }
    return List.copyOf(out);
  }

  static Sessions sessions(ConfigNode s, boolean loginConfigured, Function<String, String> resolve) {
    String publicUrl = s.string("publicUrl", null);
    if (publicUrl != null) {
      publicUrl = publicUrl.strip();
      while (publicUrl.endsWith("/")) publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
      httpUrl(publicUrl, s.path("publicUrl"));
    }
    Duration codeTtl = s.positiveDuration("codeTtl", Duration.ofMinutes(30));
    if (codeTtl.compareTo(Duration.ofDays(1)) > 0) throw new ConfigException(s.path("codeTtl"), "must be at most 1d");
    String keyRef = s.string("encryptionKey", null);
    byte[] key = null;
    if (keyRef != null) {
      String encoded = resolve.apply(keyRef).strip();
      try {
        key = Base64.getDecoder().decode(encoded);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(s.path("encryptionKey"), "must be 32 bytes in Base64 (openssl rand -base64 32)");
      }
      if (key.length != 32) throw new ConfigException(s.path("encryptionKey"), "must be 32 bytes in Base64 (openssl rand -base64 32), got " + key.length + " bytes");
    }
    Duration retention = s.duration("expiredProfileRetention", Duration.ofDays(1));
    if (retention.isNegative() || retention.compareTo(Duration.ofDays(30)) > 0) {
      throw new ConfigException(s.path("expiredProfileRetention"), "must be between 0 and 30d");
    }
    if (loginConfigured) {
      if (publicUrl == null) throw new ConfigException(s.path("publicUrl"), "is required when an integration has an MVPD login: the MVPD redirects browsers back to it");
      if (key == null) throw new ConfigException(s.path("encryptionKey"), "is required when an integration has an MVPD login: what the MVPD returns is encrypted at rest");
    }
    s.finish();
    return new Sessions(publicUrl, codeTtl, key, retention);
  }

  static Login login(ConfigNode n, Function<String, String> resolve) {
    String issuer = optionalUrl(n, "issuer");
    String authorizationEndpoint = optionalUrl(n, "authorizationEndpoint");
    String tokenEndpoint = optionalUrl(n, "tokenEndpoint");
    String userInfoEndpoint = optionalUrl(n, "userInfoEndpoint");
    String endSessionEndpoint = optionalUrl(n, "endSessionEndpoint");
    if (issuer == null && (authorizationEndpoint == null || tokenEndpoint == null || userInfoEndpoint == null)) {
      throw new ConfigException(n.path("issuer"), "set issuer (OpenID Connect discovery) or all of authorizationEndpoint, tokenEndpoint and userInfoEndpoint");
    }
    String clientId = n.requiredString("clientId");
    String secretRef = n.requiredString("clientSecret");
    String clientSecret = resolve.apply(secretRef).strip();
    if (clientSecret.isEmpty()) throw new ConfigException(n.path("clientSecret"), "must not be empty");
    List<String> scopes = n.strings("scopes");
    if (scopes.isEmpty()) scopes = issuer != null ? List.of("openid", "profile") : List.of("profile");
    if (issuer != null && !scopes.contains("openid")) throw new ConfigException(n.path("scopes"), "must contain openid when issuer is set");
    Map<String, String> attributes = new LinkedHashMap<>();
    ConfigNode a = n.child("attributeClaims");
    for (Map.Entry<String, List<String>> e : n.stringListMap("attributeClaims").entrySet()) {
      if (e.getValue().size() != 1) throw new ConfigException(a.path(e.getKey()), "must name one claim");
      attributes.put(e.getKey(), e.getValue().get(0));
    }
    if (attributes.containsKey("userID")) throw new ConfigException(a.path("userID"), "use userIdClaim for the userID");
    Login login = new Login(issuer, authorizationEndpoint, tokenEndpoint, userInfoEndpoint, endSessionEndpoint, clientId, clientSecret,
        List.copyOf(scopes), n.string("userIdClaim", "sub"), Map.copyOf(attributes));
    n.finish();
    return login;
  }

  static Authorization authorization(ConfigNode n) {
    String url = optionalUrl(n, "url");
    if (url == null) throw new ConfigException(n.path("url"), "is required");
    Duration connect = n.positiveDuration("connectTimeout", Duration.ofMillis(500));
    Duration read = n.positiveDuration("readTimeout", Duration.ofMillis(1500));
    Duration deadline = n.positiveDuration("deadline", Duration.ofSeconds(2));
    if (deadline.compareTo(Duration.ofSeconds(60)) > 0) throw new ConfigException(n.path("deadline"), "must be at most 60s");
    if (read.compareTo(deadline) > 0) throw new ConfigException(n.path("readTimeout"), "must not exceed deadline");
    if (connect.compareTo(deadline) > 0) throw new ConfigException(n.path("connectTimeout"), "must not exceed deadline");
    Authorization a = new Authorization(url, connect, read, deadline, n.integer("maxConcurrency", 64, 1, 10_000),
        n.integer("breakerFailures", 5, 1, 1000), n.positiveDuration("breakerResetTimeout", Duration.ofSeconds(10)));
    n.finish();
    return a;
  }

  private static String optionalUrl(ConfigNode n, String key) {
    String v = n.string(key, null);
    if (v == null || v.isBlank()) return null;
    httpUrl(v.strip(), n.path(key));
    return v.strip();
  }

  private static void httpUrl(String value, String setting) {
    try {
      URI uri = new URI(value);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new ConfigException(setting, "must be an http:// or https:// URL, got '" + value + "'");
      }
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(setting, "must be an http:// or https:// URL, got '" + value + "'");
    }
  }
}

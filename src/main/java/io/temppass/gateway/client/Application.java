package io.temppass.gateway.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * A registered application, the TVE Dashboard's record of an app allowed to register clients: the
 * service providers it may act for, the host names its pages and redirects live on ({@code
 * domains}, also its CORS origins), the custom URL schemes of its native builds, and the scopes its
 * access tokens carry. Revoking keeps the record and marks it, so its statements, clients and
 * tokens stop working everywhere.
 */
public record Application(
    String id,
    String name,
    String version,
    List<String> serviceProviders,
    List<String> platforms,
    List<String> domains,
    List<String> customSchemes,
    List<String> scopes,
    boolean revoked,
    long createdAt) {

  public Application {
    serviceProviders = List.copyOf(serviceProviders);
    platforms = List.copyOf(platforms);
    domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
    customSchemes = customSchemes.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    scopes = List.copyOf(scopes);
  }

  public Application asRevoked() {
    return new Application(
        id,
        name,
        version,
        serviceProviders,
        platforms,
        domains,
        customSchemes,
        scopes,
        true,
        createdAt);
  }

  public boolean mayActFor(String serviceProvider) {
    return serviceProviders.contains(serviceProvider);
  }

  /** {@code host} is one of the domains or a subdomain of one (case-insensitive). */
  public boolean ownsHost(String host) {
    if (host == null || host.isEmpty()) return false;
    String h = host.toLowerCase(Locale.ROOT);
    for (String d : domains) if (h.equals(d) || h.endsWith("." + d)) return true;
    return false;
  }

  /**
   * A {@code redirect_uri} this application may ask for: an http(s) URL on one of its domains, or a
   * URL of one of its custom schemes (a native app's {@code com.programmer.app://…}).
   */
  public boolean allowsRedirect(String redirectUri) {
    URI uri;
    try {
      uri = new URI(redirectUri);
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return false;
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme == null) return false;
    if (scheme.equals("http") || scheme.equals("https")) return ownsHost(uri.getHost());
    return customSchemes.contains(scheme);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("version", version)
        .put("serviceProviders", new JsonArray(serviceProviders))
        .put("platforms", new JsonArray(platforms))
        .put("domains", new JsonArray(domains))
        .put("customSchemes", new JsonArray(customSchemes))
        .put("scopes", new JsonArray(scopes))
        .put("revoked", revoked)
        .put("createdAt", createdAt);
  }

  /** The stored form back; throws on a record this version cannot read. */
  public static Application fromJson(JsonObject json) {
    return new Application(
        json.getString("id"),
        json.getString("name"),
        json.getString("version"),
        strings(json, "serviceProviders"),
        strings(json, "platforms"),
        strings(json, "domains"),
        strings(json, "customSchemes"),
        strings(json, "scopes"),
        json.getBoolean("revoked", false),
        json.getLong("createdAt", 0L));
  }

  private static List<String> strings(JsonObject json, String field) {
    JsonArray list = json.getJsonArray(field, new JsonArray());
    return list.stream().map(String::valueOf).toList();
  }
}

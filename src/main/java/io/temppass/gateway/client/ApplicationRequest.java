package io.temppass.gateway.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /admin/v1/applications}, read strictly: every field is checked, an
 * unknown field is refused (a misspelt {@code domain} would otherwise create an application without
 * domains), and the message names the field and what it must be.
 */
public final class ApplicationRequest {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  private static final Pattern HOST =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]{0,63}");
  private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9:_.-]{1,64}");
  private static final Pattern TEXT = Pattern.compile("[\\p{L}\\p{N} ._:()/+-]{1,128}");
  private static final Set<String> FIELDS =
      Set.of(
          "name", "version", "serviceProviders", "platforms", "domains", "customSchemes", "scopes");
  private static final int MAX_ITEMS = 100;

  private ApplicationRequest() {}

  /**
   * A new, approved application from the request body; {@code defaultScope} when it names none.
   *
   * @throws IllegalArgumentException naming the field at fault
   */
  public static Application parse(JsonObject body, String id, long nowMillis, String defaultScope) {
    if (body == null) throw new IllegalArgumentException("the body must be a JSON object");
    for (String field : body.fieldNames())
      if (!FIELDS.contains(field))
        throw new IllegalArgumentException("unknown field '" + field + "'; fields are " + FIELDS);
    List<String> scopes = list(body, "scopes", SCOPE, "a scope", false);
    return new Application(
        id,
        text(body, "name"),
        text(body, "version"),
        list(body, "serviceProviders", ID, "a service provider id", true),
        list(body, "platforms", TEXT, "a platform name", false),
        list(body, "domains", HOST, "a host name such as example.com", false),
        schemes(list(body, "customSchemes", SCHEME, "a URL scheme such as com.example.app", false)),
        scopes.isEmpty() ? List.of(defaultScope) : scopes,
        false,
        nowMillis);
  }

  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  /**
   * An application declared in the configuration, its fields checked as the admin API checks them.
   *
   * @throws IllegalArgumentException naming the field at fault
   */
  public static Application declared(
      String id, JsonObject fields, long nowMillis, String defaultScope) {
    if (id == null || !UUID.matcher(id).matches())
      throw new IllegalArgumentException("id must be a lower-case UUID");
    return parse(fields, id, nowMillis, defaultScope);
  }

  /** Whether two records describe the same application, whatever their state and age. */
  public static boolean sameFields(Application a, Application b) {
    return a.name().equals(b.name())
        && a.version().equals(b.version())
        && a.serviceProviders().equals(b.serviceProviders())
        && a.platforms().equals(b.platforms())
        && a.domains().equals(b.domains())
        && a.customSchemes().equals(b.customSchemes())
        && a.scopes().equals(b.scopes());
  }

  private static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (!(value instanceof String s) || !TEXT.matcher(s).matches())
      throw new IllegalArgumentException(
          field + " is required: 1 to 128 letters, digits, spaces or ._:()/+-");
    return s;
  }

  private static List<String> list(
      JsonObject body, String field, Pattern item, String what, boolean required) {
    Object value = body.getValue(field);
    if (value == null && !required) return List.of();
    if (!(value instanceof JsonArray array) || (required && array.isEmpty()))
      throw new IllegalArgumentException(
          field + " must be " + (required ? "a non-empty" : "an") + " array of strings");
    if (array.size() > MAX_ITEMS)
      throw new IllegalArgumentException(field + " holds more than " + MAX_ITEMS + " items");
    List<String> out = new ArrayList<>();
    for (Object v : array) {
      String s = v instanceof String str ? str.strip() : null;
      if (s != null && (item == HOST || item == SCHEME)) s = s.toLowerCase(Locale.ROOT);
      if (s == null || !item.matcher(s).matches())
        throw new IllegalArgumentException(field + ": each item must be " + what);
      if (!out.contains(s)) out.add(s);
    }
    return out;
  }

  private static List<String> schemes(List<String> schemes) {
    for (String s : schemes)
      if (s.equals("http") || s.equals("https"))
        throw new IllegalArgumentException(
            "customSchemes: http and https are not custom schemes; list the host in domains");
    return schemes;
  }
}

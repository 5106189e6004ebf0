package io.temppass.gateway.client;

import io.temppass.gateway.control.ControlPlane;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The registered applications, kept as fields {@code app:<id>} of the control-plane hash: every
 * process reads them from the control plane's poll ({@code admin.pollInterval}, under a second), so
 * a created or revoked application reaches every pod as a degradation rule does, and a request
 * never waits on Redis to learn whether its application is still approved. The records are parsed
 * once per changed poll, not per request.
 */
public final class Applications {
  private static final System.Logger LOG = System.getLogger(Applications.class.getName());
  static final String FIELD_PREFIX = "app:";

  private record Parsed(Map<String, String> source, Map<String, Application> byId) {}

  private final ControlPlane control;
  private volatile Parsed parsed = new Parsed(null, Map.of());

  public Applications(ControlPlane control) {
    this.control = control;
  }

  /** The application, revoked or not, or null when none has this id. */
  public Application get(String id) {
    return id == null ? null : current().get(id);
  }

  /** Every application, oldest first. */
  public List<Application> all() {
    List<Application> list = new ArrayList<>(current().values());
    list.sort(Comparator.comparingLong(Application::createdAt).thenComparing(Application::id));
    return list;
  }

  /**
   * Whether a browser origin's host is one of an approved application's domains or a subdomain of
   * one: the origins the V2 and DCR APIs answer with CORS headers.
   */
  public boolean allowsOrigin(String host) {
    for (Application a : current().values()) if (!a.revoked() && a.ownsHost(host)) return true;
    return false;
  }

  /** Stores a new or changed record; this process sees it when the future completes. */
  public Future<Void> put(Application application) {
    return control.putRecord(FIELD_PREFIX + application.id(), application.toJson().encode());
  }

  private Map<String, Application> current() {
    Map<String, String> snapshot = control.snapshot();
    Parsed p = parsed;
    if (p.source() == snapshot) return p.byId();
    Map<String, Application> byId = new HashMap<>();
    for (Map.Entry<String, String> e : snapshot.entrySet()) {
      if (!e.getKey().startsWith(FIELD_PREFIX)) continue;
      try {
        Application a = Application.fromJson(new JsonObject(e.getValue()));
        byId.put(a.id(), a);
      } catch (RuntimeException unreadable) {
        // A record written by another version: skipped (its statements fail) rather than failing
        // every request; the field name is an id, never a secret.
        LOG.log(System.Logger.Level.WARNING, "unreadable application record " + e.getKey());
      }
    }
    Map<String, Application> result = Map.copyOf(byId);
    parsed = new Parsed(snapshot, result);
    return result;
  }
}

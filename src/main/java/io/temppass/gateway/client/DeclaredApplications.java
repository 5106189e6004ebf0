package io.temppass.gateway.client;

import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dcr.applications}: registered applications kept in the configuration (GitOps). Checked
 * before the gateway serves; created once the control plane has loaded, each only when no
 * application has its id, so a revocation or a change made through the admin API is never undone by
 * a restart (a declaration that differs from the stored record is a WARNING).
 */
public final class DeclaredApplications {
  private static final System.Logger LOG = System.getLogger(DeclaredApplications.class.getName());

  private final List<Application> declared;

  private DeclaredApplications(List<Application> declared) {
    this.declared = declared;
  }

  /** The declarations, read as the admin API reads a body; throws naming the one at fault. */
  public static DeclaredApplications of(GatewayConfig config) {
    List<Application> out = new ArrayList<>();
    List<GatewayConfig.DeclaredApplication> list = config.dcr().applications();
    for (int i = 0; i < list.size(); i++) {
      GatewayConfig.DeclaredApplication d = list.get(i);
      JsonObject fields =
          new JsonObject()
              .put("name", d.name())
              .put("version", d.version())
              .put("serviceProviders", array(d.serviceProviders()))
              .put("platforms", array(d.platforms()))
              .put("domains", array(d.domains()))
              .put("customSchemes", array(d.customSchemes()))
              .put("scopes", array(d.scopes()));
      fields.getMap().values().removeIf(v -> v == null);
      try {
        out.add(
            ApplicationRequest.declared(
                d.id(), fields, System.currentTimeMillis(), config.accessTokens().requiredScope()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("dcr.applications[" + i + "]", e.getMessage());
      }
    }
    return new DeclaredApplications(List.copyOf(out));
  }

  /**
   * Creates the declared applications the store does not hold. Skipped, with a WARNING, when the
   * control plane has not loaded (Redis down): the store's content is then unknown, and writing
   * would overwrite.
   */
  public Future<Void> createMissing(Applications applications, boolean controlPlaneLoaded) {
    if (declared.isEmpty()) return Future.succeededFuture();
    if (!controlPlaneLoaded) {
      LOG.log(
          System.Logger.Level.WARNING,
          "dcr.applications: not applied, the registered applications could not be read");
      return Future.succeededFuture();
    }
    Future<Void> chain = Future.succeededFuture();
    for (Application a : declared) {
      Application stored = applications.get(a.id());
      if (stored == null) {
        chain =
            chain
                .compose(v -> applications.put(a))
                .onSuccess(
                    v ->
                        LOG.log(
                            System.Logger.Level.INFO,
                            "application " + a.id() + " created from dcr.applications"));
      } else if (!ApplicationRequest.sameFields(stored, a)) {
        LOG.log(
            System.Logger.Level.WARNING,
            "dcr.applications: application "
                + a.id()
                + " differs from the stored one, which is kept (change it through the admin API)");
      }
    }
    return chain;
  }

  private static JsonArray array(List<String> list) {
    return list == null ? null : new JsonArray(new ArrayList<Object>(list));
  }
}

package io.temppass.gateway.dev;

import io.temppass.gateway.Ids;
import io.temppass.gateway.client.Application;
import io.temppass.gateway.client.ClientRegistration;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.config.IntegrationConfig;
import io.vertx.core.Future;
import java.util.List;

/**
 * Development mode's two registered applications: an app ({@code accessTokens.requiredScope}, every
 * configured service provider, domains {@code 127.0.0.1} and {@code localhost}) and an operator
 * ({@code admin.requiredScope}), each with a fresh software statement to print. An approved one of
 * the same name is reused, so restarting against a kept Redis does not pile them up.
 */
public final class DevApplications {
  public static final String APP = "Development app";
  public static final String OPERATOR = "Development operator";

  /** The two statements, app first. */
  public record Statements(String app, String operator) {}

  private DevApplications() {}

  public static Future<Statements> create(ClientRegistration clients, GatewayConfig config) {
    List<String> providers =
        config.integrations().stream().map(IntegrationConfig::serviceProvider).distinct().toList();
    Application app =
        existingOr(
            clients,
            application(
                APP,
                providers,
                List.of("127.0.0.1", "localhost"),
                config.accessTokens().requiredScope()));
    Application operator =
        existingOr(
            clients, application(OPERATOR, providers, List.of(), config.admin().requiredScope()));
    return clients
        .applications()
        .put(app)
        .compose(v -> clients.applications().put(operator))
        .map(v -> new Statements(clients.statementFor(app), clients.statementFor(operator)));
  }

  private static Application application(
      String name, List<String> providers, List<String> domains, String scope) {
    return new Application(
        Ids.randomUuid(),
        name,
        "1.0",
        providers,
        List.of("web"),
        domains,
        List.of(),
        List.of(scope),
        false,
        System.currentTimeMillis());
  }

  private static Application existingOr(ClientRegistration clients, Application fresh) {
    for (Application a : clients.applications().all())
      if (!a.revoked() && a.name().equals(fresh.name())) return a;
    return fresh;
  }
}

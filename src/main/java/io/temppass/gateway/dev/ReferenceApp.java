package io.temppass.gateway.dev;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Development mode's reference app: the static page of {@code src/main/resources/reference-app},
 * written only against Adobe's DCR and REST API V2 documents, served from an origin of its own (not
 * the gateway's), as a programmer's web app would be. The one thing it is given is what a real app
 * embeds: the software statement, and the address of the API it talks to, served at {@link
 * #SETTINGS} on its own origin.
 */
public final class ReferenceApp {
  /** Where the page reads its embedded software statement and the API's base URL. */
  static final String SETTINGS = "/app-settings.json";

  private static final String WEBROOT = "reference-app";

  private final HttpServer server;

  private ReferenceApp(HttpServer server) {
    this.server = server;
  }

  /**
   * Listens on {@code host:port} (0 for any free port).
   *
   * @param apiBase the gateway's base URL, e.g. {@code http://127.0.0.1:8080}
   * @param softwareStatement the development app's statement
   */
  public static Future<ReferenceApp> start(
      Vertx vertx, String host, int port, String apiBase, String softwareStatement) {
    JsonObject settings =
        new JsonObject().put("apiBase", apiBase).put("softwareStatement", softwareStatement);
    Router router = Router.router(vertx);
    router
        .get(SETTINGS)
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(settings.encode()));
    router
        .route()
        .handler(StaticHandler.create(WEBROOT).setCachingEnabled(false).setIndexPage("index.html"));
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(port, host)
        .map(ReferenceApp::new);
  }

  /** The page's address, {@code http://HOST:PORT/}. */
  public String url(String host) {
    return "http://" + host + ":" + server.actualPort() + "/";
  }
}

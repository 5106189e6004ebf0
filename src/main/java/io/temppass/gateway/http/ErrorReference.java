package io.temppass.gateway.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Link;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * {@code GET /docs/errors}: the error reference, docs/ERRORS.md (packaged on the class path, one
 * copy in the repository) rendered as one HTML page by CommonMark, so that every Enhanced Error's
 * {@code helpUrl} leads somewhere by default. Each code's row carries the anchor {@code #<code>}
 * (the {@code <a id>} in the file). Rendered once by {@link #page()}, which the gateway's start-up
 * calls before it deploys anything: a jar without the file fails at start-up, not at the first
 * request (nor on an event loop).
 */
public final class ErrorReference {
  private static final String SOURCE = "ERRORS.md";

  /** The page's own CSS is inline; nothing else may load, and no site may frame it. */
  private static final String POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

  private ErrorReference() {}

  /** The page, rendered from the packaged file; fails when the file is not on the class path. */
  public static Buffer page() {
    return Buffer.buffer(render(markdown()));
  }

  /** Serves {@code page}, from {@link #page()}. */
  static void serve(RoutingContext ctx, Buffer page) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html;charset=UTF-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=300")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", POLICY)
        .end(page);
  }

  static String render(String markdown) {
    var extensions = List.of(TablesExtension.create());
    Parser parser = Parser.builder().extensions(extensions).build();
    HtmlRenderer renderer =
        HtmlRenderer.builder()
            .extensions(extensions)
            // The file links the API document by its repository name; the gateway serves it here.
            .attributeProviderFactory(
                context ->
                    (node, tag, attributes) -> {
                      if (node instanceof Link && "openapi.yaml".equals(attributes.get("href")))
                        attributes.put("href", Endpoints.OPENAPI);
                    })
            .build();
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<title>temppass-gateway error codes</title><style>"
        + "body{font-family:sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;"
        + "vertical-align:top}code{background:#f4f4f4}:target{background:#ffeaa0}"
        + "</style></head><body>"
        + renderer.render(parser.parse(markdown))
        + "</body></html>";
  }

  private static String markdown() {
    try (InputStream in = ErrorReference.class.getClassLoader().getResourceAsStream(SOURCE)) {
      if (in == null) throw new IllegalStateException(SOURCE + " is not on the class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temppass.gateway.support.MvpdSignIn;
import io.temppass.gateway.support.Pods;
import io.temppass.gateway.support.TestGateway;
import io.temppass.gateway.support.TestMvpd;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTML pages of the browser's side (the browser step's and the MVPD callback's errors) tell the
 * browser not to sniff them, load nothing, and appear in no frame. Before the fix they sent neither
 * {@code X-Content-Type-Options} nor a {@code Content-Security-Policy}, so any site could frame
 * them.
 */
class SignInPageHeadersTest {
  static final String SP = "REF30";

  Vertx vertx;
  TestMvpd mvpd;
  Pods pods;
  MvpdSignIn browser;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    mvpd = TestMvpd.start(vertx);
    pods =
        Pods.startEach(
            TestGateway.withMvpdSessions(
                TestGateway.with(TestGateway.config(), mvpd.integration(SP, "Cablevision")), SP));
    browser = new MvpdSignIn(vertx, pods.port(0));
  }

  @AfterEach
  void stop() throws Exception {
    browser.close();
    pods.close();
    mvpd.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void error_pages_forbid_sniffing_loading_and_framing() throws Exception {
    String[] pages = {
      "/api/v2/authenticate/" + SP + "/NOTACODE!", // the browser step, a malformed code
      "/api/v2/authenticate/" + SP + "/ABCDEFGH", // the browser step, an unknown code
      "/api/v2/authenticate/bad%20sp/ABCDEFGH", // the browser step, a malformed provider
      "/api/v2/authenticate/callback?state=nonsense&code=x", // the MVPD's redirect back
      "/api/v2/authenticate/callback?" + "a=1&".repeat(20), // too many parameters
    };
    for (String page : pages) {
      HttpResponse<Buffer> r = browser.open(page).await(15, TimeUnit.SECONDS);
      assertEquals(400, r.statusCode(), page + ": " + r.bodyAsString());
      assertTrue(r.getHeader("Content-Type").startsWith("text/html"), page);
      assertEquals("nosniff", r.getHeader("X-Content-Type-Options"), page);
      assertEquals(
          "default-src 'none'; frame-ancestors 'none'",
          r.getHeader("Content-Security-Policy"),
          page);
      // The policy must not break the page: it has no style, script or image to block.
      String body = r.bodyAsString();
      for (String needsASource : new String[] {"<style", "style=", "<script", "<img", "<link"})
        assertTrue(!body.contains(needsASource), page + " holds " + needsASource);
    }
  }
}

package io.temppass.gateway.dev;

import io.temppass.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What {@code --dev} prints once the gateway listens, for the person at the terminal: the
 * development token, the throttle in force, a TempPass request, and the regular-MVPD walk-through.
 *
 * <p>The walk-through has one source, {@link #WALKTHROUGH}: this prints it with the run's token and
 * addresses, and the README shows it rendered with the default addresses ({@link #README_GATEWAY},
 * {@link #README_MVPD}) and {@link #README_TOKEN}, word for word (a test holds the README to it),
 * so the two cannot drift apart again.
 */
public final class DevBanner {
  /** The walk-through, with {@code {{token}}}, {@code {{gateway}}} and {@code {{mvpd}}}. */
  static final String WALKTHROUGH = "/dev/walkthrough.sh";

  /** How the README fills the walk-through in: the addresses of a default {@code --dev} run. */
  public static final String README_GATEWAY = "http://127.0.0.1:8080";

  public static final String README_MVPD = "http://127.0.0.1:8081";
  public static final String README_TOKEN = "<the printed development token>";

  private static final String DEVICE =
      "AP-Device-Identifier: fingerprint YmEyM2QxNDEtZDcxNS01NjFjLTk0ZjQtZTllNGM5NjZiMWVi";

  private DevBanner() {}

  /** Everything printed after start-up; the parts that need a development token need one. */
  public static String text(int port, DevEnvironment dev, GatewayConfig config) {
    String gateway = "http://127.0.0.1:" + port;
    StringBuilder out = new StringBuilder("\n");
    if (dev.accessToken() != null)
      out.append("Development access token (24 h):\n").append(dev.accessToken()).append("\n\n");
    out.append(throttle(config.throttle())).append("\n\n");
    if (dev.accessToken() != null) out.append(tempPassRequest(gateway, dev.accessToken(), config));
    if (dev.accessToken() != null && dev.mvpd() != null) {
      out.append(
              "\nThe regular-MVPD path (REF30/Cablevision, signing in with the reference MVPD;"
                  + " README \"Development walk-through\", needs curl and jq):\n")
          .append(walkthrough(gateway, dev.mvpd().origin(), dev.accessToken()));
    }
    return out.toString();
  }

  /**
   * The throttle in force: development mode loosens it (conf/dev.yaml) so that a person trying
   * requests by hand, or pasting the walk-through twice, is not answered 429.
   */
  static String throttle(GatewayConfig.ThrottleSettings throttle) {
    if (!throttle.enabled()) return "Throttle: off (throttle.enabled: false).";
    return "Throttle (development, conf/dev.yaml): "
        + number(throttle.ratePerSecond())
        + " requests a second per client IP, burst "
        + throttle.burst()
        + " (throttle.ratePerSecond, throttle.burst; production defaults 1 and 10).";
  }

  /** The walk-through with the given token and addresses. */
  public static String walkthrough(String gateway, String mvpd, String token) {
    try (InputStream in = DevBanner.class.getResourceAsStream(WALKTHROUGH)) {
      if (in == null) throw new IllegalStateException(WALKTHROUGH + " is missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("{{gateway}}", gateway)
          .replace("{{mvpd}}", mvpd)
          .replace("{{token}}", token);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tempPassRequest(String gateway, String token, GatewayConfig config) {
    String sp =
        config.integrations().isEmpty() ? "REF30" : config.integrations().get(0).serviceProvider();
    String mvpd =
        config.integrations().isEmpty() ? "Cablevision" : config.integrations().get(0).mvpd();
    return "A TempPass decision:\n"
        + "curl -s -w '\\n' -X POST "
        + gateway
        + "/api/v2/"
        + sp
        + "/decisions/authorize/"
        + mvpd
        + " \\\n"
        + "  -H 'Authorization: Bearer "
        + token
        + "' \\\n"
        + "  -H 'Content-Type: application/json' \\\n"
        + "  -H '"
        + DEVICE
        + "' \\\n"
        + "  -H 'AP-TempPass-Identity: eyJlbWFpbCI6ImZvb0BiYXIuY29tIn0=' \\\n"
        + "  -d '{\"resources\":[\"REF30\"]}'\n";
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}

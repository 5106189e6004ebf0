import com.nimbusds.jose.util.Base64URL;
import io.temppass.gateway.token.MediaTokenClaims;
import io.temppass.gateway.token.MediaTokenKeys;
import io.temppass.gateway.token.MediaTokenSigner;
import io.temppass.gateway.token.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The one part of media-token signing kept outside Nimbus: the payload's Base64url. Times Nimbus's
 * encoder ({@code Base64URL.encode}) against the JDK's ({@code Base64.getUrlEncoder()}) on the
 * payload of a typical token. Run from the repository root after {@code mvn -q -DskipTests
 * package}:
 *
 * <p>java -cp target/temppass-gateway.jar load-tests/signing/Base64UrlCost.java
 *
 * <p>Five rounds of 2 million payloads each; read the last rounds (the first includes JIT warm-up).
 */
public class Base64UrlCost {
  public static void main(String[] args) {
    long now = System.currentTimeMillis();
    // The payload of a real token, as the gateway writes it.
    String token =
        new MediaTokenSigner(MediaTokenKeys.of(List.of(SigningKey.generate("bench"))))
            .sign(
                new MediaTokenClaims(
                    "REF30",
                    "TempPass",
                    "urn:example:resource:REF30",
                    now,
                    now,
                    now + 420_000,
                    "42d1c231-67fb-43bd-85d0-b7425d4d4e4e",
                    "xRO1K-ZEErcIZLXb0I0WEeF6"));
    String compact = new String(Base64.getDecoder().decode(token), StandardCharsets.US_ASCII);
    byte[] payload = Base64.getUrlDecoder().decode(compact.split("\\.")[1]);
    Base64.Encoder jdk = Base64.getUrlEncoder().withoutPadding();
    int n = 2_000_000;
    for (int round = 1; round <= 5; round++) {
      long sink = 0;
      long t = System.nanoTime();
      for (int i = 0; i < n; i++) sink += Base64URL.encode(payload).toString().length();
      double nimbus = (System.nanoTime() - t) / (double) n;
      t = System.nanoTime();
      for (int i = 0; i < n; i++) sink += jdk.encodeToString(payload).length();
      double jdkNs = (System.nanoTime() - t) / (double) n;
      System.out.printf(
          "round %d: payload %d bytes: Nimbus %.0f ns, JDK %.0f ns per payload (%d)%n",
          round, payload.length, nimbus, jdkNs, sink & 1);
    }
  }
}

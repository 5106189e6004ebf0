import io.temppass.gateway.token.MediaTokenClaims;
import io.temppass.gateway.token.MediaTokenKeys;
import io.temppass.gateway.token.MediaTokenSigner;
import io.temppass.gateway.token.SigningKey;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cost of one media token (ES256 signature plus its JSON and Base64) with each signing provider the
 * gateway can use: the JDK's SunEC, BouncyCastle, Conscrypt and the Amazon Corretto Crypto Provider
 * (the last two where their native code loads). Run from the repository root after `mvn -q
 * -DskipTests package`:
 *
 * <p>java -cp target/temppass-gateway.jar load-tests/signing/SigningBenchmark.java [iterations]
 *
 * <p>Each provider signs `iterations` (default 20,000) tokens three times; the last round is
 * reported.
 */
public class SigningBenchmark {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    MediaTokenKeys keys = MediaTokenKeys.of(List.of(SigningKey.generate("bench")));
    Provider bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
    Security.addProvider(bc);
    List<Provider> providers = new ArrayList<>(Arrays.asList(null, bc));
    if (org.conscrypt.Conscrypt.isAvailable()) providers.add(org.conscrypt.Conscrypt.newProvider());
    com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider corretto =
        com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
    if (corretto.getLoadingError() == null) providers.add(corretto);
    for (Provider provider : providers) {
      MediaTokenSigner signer = new MediaTokenSigner(keys, provider);
      long perToken = 0;
      for (int round = 0; round < 3; round++) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
          signer.sign(
              new MediaTokenClaims(
                  "apasstest1", "TempPass_TEST40", "REF30", 1, 1, 2, "id-" + i, "device-hash"));
        }
        perToken = (System.nanoTime() - start) / n;
      }
      System.out.printf(
          "SIGN provider=%s iterations=%d us_per_token=%.1f%n",
          signer.signerProvider(), n, perToken / 1000.0);
    }
  }
}

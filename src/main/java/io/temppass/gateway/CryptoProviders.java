package io.temppass.gateway;

import java.lang.reflect.Method;
import java.security.Provider;
import java.security.Security;

/**
 * Chooses who signs media tokens, fastest first. ES256 signing is the costliest step of a permit;
 * per token (load-tests/signing/SigningBenchmark.java, load-tests/RESULTS.md) the native providers
 * take 12–16 µs (Corretto, Conscrypt), BouncyCastle about 56 µs and the JDK's SunEC about 355 µs
 * ("Signing cost per provider").
 *
 * <ol>
 *   <li>the Amazon Corretto Crypto Provider (native, Linux x86_64), registered first, when its
 *       native code loads;
 *   <li>else Conscrypt (native BoringSSL; Linux x86_64, macOS x86_64, Windows), used for signing
 *       only and not registered, so it never takes over the JDK's TLS or other services;
 *   <li>else BouncyCastle (bundled), added last so it never displaces the JDK's other services;
 *   <li>else the JDK's own providers.
 * </ol>
 *
 * The start-up log line {@code crypto provider: …} says which one signs.
 */
final class CryptoProviders {
  private static final String ACCP =
      "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
  private static final String CONSCRYPT = "org.conscrypt.Conscrypt";
  private static final String BOUNCY_CASTLE = "org.bouncycastle.jce.provider.BouncyCastleProvider";

  private CryptoProviders() {}

  /** The provider media tokens should be signed with, or null for the JDK's default choice. */
  static synchronized Provider install() {
    Provider corretto = corretto();
    if (corretto != null) return corretto;
    Provider conscrypt = conscrypt();
    if (conscrypt != null) return conscrypt;
    Provider bc = Security.getProvider("BC");
    if (bc != null) return bc;
    try {
      bc = (Provider) Class.forName(BOUNCY_CASTLE).getDeclaredConstructor().newInstance();
      Security.addProvider(bc);
      return bc;
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  private static Provider corretto() {
    try {
      Class<?> type = Class.forName(ACCP);
      Method install = type.getMethod("install");
      install.invoke(null);
      Object instance = type.getField("INSTANCE").get(null);
      Object loadingError = type.getMethod("getLoadingError").invoke(instance);
      return loadingError == null ? (Provider) instance : null;
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  /** Conscrypt's provider when its native library loads on this platform, else null. */
  private static Provider conscrypt() {
    try {
      Class<?> type = Class.forName(CONSCRYPT);
      if (!(Boolean) type.getMethod("isAvailable").invoke(null)) return null;
      return (Provider) type.getMethod("newProvider").invoke(null);
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return null;
    }
  }
}

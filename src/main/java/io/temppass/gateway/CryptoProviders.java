package io.temppass.gateway;

import java.lang.reflect.Method;
import java.security.Provider;
import java.security.Security;

/**
 * Chooses who signs media tokens, fastest first. ES256 signing is the costliest step of a permit:
 * per token (load-tests/signing/SigningBenchmark.java) the JDK's SunEC takes about 417 µs,
 * BouncyCastle about 64 µs and the Amazon Corretto Crypto Provider (native, Linux x86_64) about 33 µs.
 * <ol>
 *   <li>Corretto, registered first, when its jar is on the class path and its native code loads;</li>
 *   <li>else BouncyCastle (bundled), added last so it never displaces the JDK's other services;</li>
 *   <li>else the JDK's own providers.</li>
 * </ol>
 * The start-up log line {@code crypto provider: …} says which one signs.
 */
final class CryptoProviders {
  private static final String ACCP = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
  private static final String BOUNCY_CASTLE = "org.bouncycastle.jce.provider.BouncyCastleProvider";

  private CryptoProviders() {}

  /** The provider media tokens should be signed with, or null for the JDK's default choice. */
  static synchronized Provider install() {
    Provider corretto = corretto();
    if (corretto != null) return corretto;
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
}

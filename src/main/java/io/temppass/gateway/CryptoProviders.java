package io.temppass.gateway;

import java.lang.reflect.Method;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Chooses who signs media tokens, fastest first. ES256 signing is the costliest step of a permit;
 * per token (load-tests/signing/SigningBenchmark.java, load-tests/RESULTS.md) the native providers
 * take 12–16 µs (Corretto, Conscrypt), BouncyCastle about 56 µs and the JDK's SunEC about 355 µs
 * ("Signing cost per provider").
 *
 * <ol>
 *   <li>the Amazon Corretto Crypto Provider (native; Linux x86_64 and aarch64, the build bundling
 *       the classifier of the machine it runs on, see pom.xml), registered first, when its native
 *       code loads;
 *   <li>else Conscrypt (native BoringSSL; its jar carries Linux x86_64, macOS x86_64 and Windows
 *       libraries), used for signing only and not registered, so it never takes over the JDK's TLS
 *       or other services;
 *   <li>else BouncyCastle (bundled), added last so it never displaces the JDK's other services;
 *   <li>else the JDK's own providers.
 * </ol>
 *
 * Which of them are worth trying is a pure function of the platform ({@link #candidates}), and the
 * choice a pure function of that and of which providers load ({@link #choose}), so both are tested
 * for every architecture on any machine. The start-up log line {@code crypto provider: …} says
 * which one signs.
 */
final class CryptoProviders {
  private static final String ACCP =
      "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
  private static final String CONSCRYPT = "org.conscrypt.Conscrypt";
  private static final String BOUNCY_CASTLE = "org.bouncycastle.jce.provider.BouncyCastleProvider";

  /** The signers, fastest first. */
  enum Signer {
    CORRETTO,
    CONSCRYPT,
    BOUNCY_CASTLE,
    /** The JDK's default choice (SunEC): always there. */
    JDK
  }

  private CryptoProviders() {}

  /** The provider media tokens should be signed with, or null for the JDK's default choice. */
  static synchronized Provider install() {
    Map<Signer, Provider> loaded = new EnumMap<>(Signer.class);
    Signer chosen =
        choose(
            System.getProperty("os.name", ""),
            System.getProperty("os.arch", ""),
            signer -> {
              Provider provider = load(signer);
              if (provider != null) loaded.put(signer, provider);
              return provider != null;
            });
    return loaded.get(chosen);
  }

  /**
   * The first of this platform's {@link #candidates} that loads; {@code loads} is asked in that
   * order and no further than the first that loads (loading Corretto registers it).
   */
  static Signer choose(String osName, String osArch, Predicate<Signer> loads) {
    for (Signer signer : candidates(osName, osArch)) {
      if (signer == Signer.JDK || loads.test(signer)) return signer;
    }
    return Signer.JDK;
  }

  /**
   * The signers that can work on a platform ({@code os.name}, {@code os.arch}), fastest first: a
   * native provider only where its jar carries a library for that platform.
   */
  static List<Signer> candidates(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String arch = architecture(osArch);
    List<Signer> signers = new ArrayList<>();
    if (correttoClassifier(osName, osArch) != null) signers.add(Signer.CORRETTO);
    boolean conscryptOs =
        os.startsWith("linux") || os.startsWith("mac") || os.startsWith("windows");
    if (conscryptOs && arch.equals("x86_64")) signers.add(Signer.CONSCRYPT);
    signers.add(Signer.BOUNCY_CASTLE);
    signers.add(Signer.JDK);
    return List.copyOf(signers);
  }

  /**
   * The Maven classifier of the Corretto jar whose native code runs on this platform ({@code
   * linux-x86_64}, {@code linux-aarch_64}), or null where Corretto has none. pom.xml picks the same
   * classifier for the machine that builds the jar.
   */
  static String correttoClassifier(String osName, String osArch) {
    if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) return null;
    String arch = architecture(osArch);
    return arch.equals("x86_64") || arch.equals("aarch_64") ? "linux-" + arch : null;
  }

  /** {@code os.arch} in the spelling of native classifiers: x86_64, aarch_64, or as given. */
  private static String architecture(String osArch) {
    String arch = osArch.toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64", "x86-64", "x64" -> "x86_64";
      case "aarch64", "arm64", "aarch_64" -> "aarch_64";
      default -> arch;
    };
  }

  private static Provider load(Signer signer) {
    return switch (signer) {
      case CORRETTO -> corretto();
      case CONSCRYPT -> conscrypt();
      case BOUNCY_CASTLE -> bouncyCastle();
      case JDK -> null;
    };
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

  private static Provider bouncyCastle() {
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
}

package io.temppass.gateway.mvpd;

/**
 * The shape of a host name (RFC 1123 §2.1, RFC 1035 §2.3.4): dot-separated labels of letters,
 * digits and hyphens, 1 to 63 characters each, neither starting nor ending with a hyphen, at most
 * 253 characters in all, no trailing dot. A {@code domainName} is checked against it before the
 * service provider's domains, so a value such as {@code http://evil.example/?.example.com} or
 * {@code a b.example.com}, which ends like an owned domain, is refused rather than stored and
 * echoed.
 */
final class HostNames {
  static final int MAX_CHARS = 253;
  private static final int MAX_LABEL_CHARS = 63;
  private static final int QUOTED_CHARS = 64;

  private HostNames() {}

  static boolean valid(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_CHARS) return false;
    int labelStart = 0;
    for (int i = 0; i <= name.length(); i++) {
      if (i == name.length() || name.charAt(i) == '.') {
        int length = i - labelStart;
        if (length == 0 || length > MAX_LABEL_CHARS) return false;
        if (name.charAt(labelStart) == '-' || name.charAt(i - 1) == '-') return false;
        labelStart = i + 1;
      } else if (!letterDigitHyphen(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A refused name for an error's details: quoted, cut to its first 64 characters (a name may be
   * any length the form allowed), anything outside printable ASCII shown as {@code ?}.
   */
  static String quoted(String name) {
    String cut = name.length() > QUOTED_CHARS ? name.substring(0, QUOTED_CHARS) : name;
    StringBuilder out = new StringBuilder(cut.length() + 16).append('\'');
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    out.append('\'');
    if (cut.length() < name.length())
      out.append("... (").append(name.length()).append(" characters)");
    return out.toString();
  }

  private static boolean letterDigitHyphen(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }
}

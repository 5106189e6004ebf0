package io.temppass.gateway.throttle;

import io.netty.util.NetUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers whose {@code X-Forwarded-For} is believed, as CIDR blocks. Addresses are parsed as
 * literals only (never resolved), so a hostile header can neither trigger DNS lookups nor smuggle
 * anything that is not an IP address into a Redis key.
 */
public final class TrustedProxies {
  private record Block(byte[] network, int prefixLength) {}

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = blocks;
  }

  /** Throws IllegalArgumentException naming the bad entry. */
  public static TrustedProxies parse(List<String> cidrs) {
    List<Block> blocks = new ArrayList<>();
    for (String cidr : cidrs) {
      String[] parts = cidr.strip().split("/", 2);
      byte[] address = NetUtil.createByteArrayFromIpAddressString(parts[0]);
      if (address == null) throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR block");
      int bits = address.length * 8;
      int prefix = bits;
      if (parts.length == 2) {
        try {
          prefix = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits) throw new IllegalArgumentException("'" + cidr + "' has an invalid prefix length");
      }
      blocks.add(new Block(address, prefix));
    }
    return new TrustedProxies(List.copyOf(blocks));
  }

  public boolean contains(String ip) {
    byte[] address = literal(ip);
    if (address == null) return false;
    for (Block b : blocks) {
      if (b.network.length == address.length && matches(b.network, address, b.prefixLength)) return true;
    }
    return false;
  }

  /**
   * The client address: the first {@code X-Forwarded-For} entry when the peer is a trusted proxy and
   * that entry is an IP literal, else the peer itself.
   */
  public String clientIp(String peer, String forwardedFor) {
    if (forwardedFor == null || blocks.isEmpty() || !contains(peer)) return normalise(peer);
    int comma = forwardedFor.indexOf(',');
    String first = (comma < 0 ? forwardedFor : forwardedFor.substring(0, comma)).strip();
    byte[] address = literal(first);
    return address == null ? normalise(peer) : NetUtil.bytesToIpAddress(address);
  }

  private static String normalise(String ip) {
    byte[] address = literal(ip);
    return address == null ? String.valueOf(ip) : NetUtil.bytesToIpAddress(address);
  }

  private static byte[] literal(String ip) {
    if (ip == null || ip.isEmpty() || ip.length() > 64) return null;
    String s = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    byte[] address = NetUtil.createByteArrayFromIpAddressString(s);
    // Treat IPv4-mapped IPv6 (::ffff:a.b.c.d) as the IPv4 address it is.
    if (address != null && address.length == 16 && isV4Mapped(address)) {
      byte[] v4 = new byte[4];
      System.arraycopy(address, 12, v4, 0, 4);
      return v4;
    }
    return address;
  }

  private static boolean isV4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
    return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
  }

  private static boolean matches(byte[] network, byte[] address, int prefixLength) {
    int fullBytes = prefixLength / 8;
    for (int i = 0; i < fullBytes; i++) if (network[i] != address[i]) return false;
    int rest = prefixLength % 8;
    if (rest == 0) return true;
    int mask = (0xff << (8 - rest)) & 0xff;
    return (network[fullBytes] & mask) == (address[fullBytes] & mask);
  }
}

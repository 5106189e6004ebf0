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

  private static final int MAX_HOPS = 32;
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
   * The client address. Proxies append the address they received a request from, so only the
   * right-hand end of {@code X-Forwarded-For} was written by machines we trust; everything to the
   * left of the first untrusted entry may have been written by the client. Starting from the peer,
   * walk the list right to left past trusted proxies and take the first address that is not one: the
   * right-most untrusted entry. An entry that is not an IP literal ends the walk at the trusted hop
   * that passed it on. {@code forwardedFor} is every {@code X-Forwarded-For} header joined with commas.
   */
  public String clientIp(String peer, String forwardedFor) {
    if (forwardedFor == null || blocks.isEmpty() || !contains(peer)) return normalise(peer);
    String client = normalise(peer);
    String[] hops = forwardedFor.split(",", -1);
    // Bounded: a header can hold thousands of entries, and no real proxy chain is this long.
    for (int i = hops.length - 1; i >= Math.max(0, hops.length - MAX_HOPS); i--) {
      byte[] address = literal(hops[i].strip());
      if (address == null) return client;
      client = NetUtil.bytesToIpAddress(address);
      if (!contains(client)) return client;
    }
    return client;
  }

  /**
   * The throttle bucket of a client address: IPv4 addresses as they are, IPv6 addresses by their
   * first {@code ipv6PrefixLength} bits, because one subscriber is routinely given a whole /64 and
   * could otherwise use a fresh address for every request.
   */
  public static String bucket(String ip, int ipv6PrefixLength) {
    byte[] address = literal(ip);
    if (address == null || address.length != 16 || ipv6PrefixLength >= 128) return ip;
    byte[] network = new byte[16];
    int full = ipv6PrefixLength / 8;
    System.arraycopy(address, 0, network, 0, full);
    if (ipv6PrefixLength % 8 != 0) network[full] = (byte) (address[full] & (0xff << (8 - ipv6PrefixLength % 8)));
    return NetUtil.bytesToIpAddress(network) + "/" + ipv6PrefixLength;
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

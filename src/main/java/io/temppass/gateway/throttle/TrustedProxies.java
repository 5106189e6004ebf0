package io.temppass.gateway.throttle;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The peers whose {@code X-Forwarded-For} is believed, as CIDR blocks. Addresses are parsed as
 * literals only (never resolved), so a hostile header can neither trigger DNS lookups nor smuggle
 * anything that is not an IP address into a Redis key.
 */
public final class TrustedProxies {
  private static final int MAX_HOPS = 32;
  private final List<IpSubnetFilterRule> blocks;

  private TrustedProxies(List<IpSubnetFilterRule> blocks) {
    this.blocks = blocks;
  }

  /**
   * The blocks, matched by Netty's {@link IpSubnetFilterRule}; a bare address is a block of one.
   * The entries are the configuration's {@code throttle.trustedProxies}, which the configuration
   * has already checked to be address literals with a valid prefix (so Netty's parser, which would
   * resolve a host name, only ever sees literals); anything else throws IllegalArgumentException.
   */
  public static TrustedProxies parse(List<String> cidrs) {
    List<IpSubnetFilterRule> blocks = new ArrayList<>();
    for (String cidr : cidrs) {
      String block = cidr.strip();
      if (!block.contains("/")) block += block.contains(":") ? "/128" : "/32";
      blocks.add(new IpSubnetFilterRule(block, IpFilterRuleType.ACCEPT));
    }
    return new TrustedProxies(List.copyOf(blocks));
  }

  public boolean contains(String ip) {
    InetAddress address = literal(ip);
    return address != null && trusted(address);
  }

  private boolean trusted(InetAddress address) {
    InetSocketAddress peer = new InetSocketAddress(address, 0);
    for (IpSubnetFilterRule block : blocks) {
      if (block.matches(peer)) return true;
    }
    return false;
  }

  /**
   * The client address. Proxies append the address they received a request from, so only the
   * right-hand end of {@code X-Forwarded-For} was written by machines we trust; everything to the
   * left of the first untrusted entry may have been written by the client. Starting from the peer,
   * walk the list right to left past trusted proxies and take the first address that is not one:
   * the right-most untrusted entry. An entry that is not an IP literal ends the walk at the trusted
   * hop that passed it on. {@code forwardedFor} is every {@code X-Forwarded-For} header joined with
   * commas.
   */
  public String clientIp(String peer, String forwardedFor) {
    if (forwardedFor == null || blocks.isEmpty() || !contains(peer)) return normalise(peer);
    String client = normalise(peer);
    String[] hops = forwardedFor.split(",", -1);
    // Bounded: a header can hold thousands of entries, and no real proxy chain is this long.
    for (int i = hops.length - 1; i >= Math.max(0, hops.length - MAX_HOPS); i--) {
      InetAddress address = literal(hops[i].strip());
      if (address == null) return client;
      client = NetUtil.toAddressString(address);
      if (!trusted(address)) return client;
    }
    return client;
  }

  /**
   * The throttle bucket of a client address: IPv4 addresses as they are, IPv6 addresses by their
   * first {@code ipv6PrefixLength} bits, because one subscriber is routinely given a whole /64 and
   * could otherwise use a fresh address for every request.
   */
  public static String bucket(String ip, int ipv6PrefixLength) {
    InetAddress literal = literal(ip);
    if (literal == null || literal.getAddress().length != 16 || ipv6PrefixLength >= 128) return ip;
    byte[] address = literal.getAddress();
    byte[] network = new byte[16];
    int full = ipv6PrefixLength / 8;
    System.arraycopy(address, 0, network, 0, full);
    if (ipv6PrefixLength % 8 != 0)
      network[full] = (byte) (address[full] & (0xff << (8 - ipv6PrefixLength % 8)));
    return NetUtil.bytesToIpAddress(network) + "/" + ipv6PrefixLength;
  }

  private static String normalise(String ip) {
    InetAddress address = literal(ip);
    return address == null ? String.valueOf(ip) : NetUtil.toAddressString(address);
  }

  /**
   * An address literal, never resolved; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4
   * address it is.
   */
  private static InetAddress literal(String ip) {
    if (ip == null || ip.isEmpty() || ip.length() > 64) return null;
    String s = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    byte[] address = NetUtil.createByteArrayFromIpAddressString(s);
    try {
      // getByAddress resolves nothing; it turns a mapped IPv4 address into an Inet4Address.
      return address == null ? null : InetAddress.getByAddress(address);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}

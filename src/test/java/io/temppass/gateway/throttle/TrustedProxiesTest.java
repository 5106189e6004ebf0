package io.temppass.gateway.throttle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which address a request is throttled as. Breakage caught: taking the first X-Forwarded-For entry
 * (the former rule) fails {@code the_right_most_untrusted_entry_is_the_client}; keying IPv6 by full
 * address fails {@code ipv6_clients_share_a_bucket_per_64}.
 */
class TrustedProxiesTest {
  private final TrustedProxies proxies =
      TrustedProxies.parse(List.of("10.0.0.0/8", "2001:db8:ffff::/48"));

  @Test
  void the_right_most_untrusted_entry_is_the_client() {
    // The client wrote "1.2.3.4"; our load balancer appended the real client, 198.51.100.7.
    assertEquals("198.51.100.7", proxies.clientIp("10.0.0.2", "1.2.3.4, 198.51.100.7"));
    // Two trusted hops: the first untrusted address from the right.
    assertEquals("198.51.100.7", proxies.clientIp("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.1.1.1"));
    // A spoofed left-hand entry never changes the bucket.
    assertEquals("198.51.100.7", proxies.clientIp("10.0.0.2", "203.0.113.9, 198.51.100.7"));
  }

  /**
   * What k8s/README.md and the shipped ConfigMap tell operators: a proxy may append to
   * X-Forwarded-For or overwrite it, and the viewer gets the same bucket either way. Caught: a rule
   * that reads the left-most entry (an appending proxy would then throttle whatever the client
   * wrote) or that needs a single entry.
   */
  @Test
  void appending_and_overwriting_proxies_give_the_same_client() {
    String appended = proxies.clientIp("10.0.0.2", "203.0.113.9, 198.51.100.7");
    String overwritten = proxies.clientIp("10.0.0.2", "198.51.100.7");
    assertEquals("198.51.100.7", overwritten);
    assertEquals(overwritten, appended);
  }

  @Test
  void untrusted_peers_and_garbage_fall_back_to_a_trusted_hop() {
    assertEquals(
        "192.0.2.1",
        proxies.clientIp("192.0.2.1", "1.2.3.4"),
        "an untrusted peer's header is ignored");
    assertEquals(
        "10.1.1.1",
        proxies.clientIp("10.0.0.2", "198.51.100.7, not-an-ip, 10.1.1.1"),
        "the hop that passed garbage on");
    assertEquals("10.0.0.2", proxies.clientIp("10.0.0.2", "x"));
    assertEquals(
        "10.0.0.3", proxies.clientIp("10.0.0.2", "10.0.0.3"), "all trusted: the left-most");
  }

  @Test
  void ipv6_clients_share_a_bucket_per_64() {
    String a = TrustedProxies.bucket("2001:db8:1:2:aaaa::1", 64);
    assertEquals("2001:db8:1:2::/64", a);
    assertEquals(a, TrustedProxies.bucket("2001:db8:1:2:ffff:ffff:ffff:fffe", 64));
    assertEquals("2001:db8:1:3::/64", TrustedProxies.bucket("2001:db8:1:3::1", 64));
    assertEquals("2001:db8:1::/56", TrustedProxies.bucket("2001:db8:1:ff::1", 56));
    assertEquals("198.51.100.7", TrustedProxies.bucket("198.51.100.7", 64), "IPv4 is per address");
    assertEquals("2001:db8::1", TrustedProxies.bucket("2001:db8::1", 128));
  }
}

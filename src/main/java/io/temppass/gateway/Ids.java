package io.temppass.gateway;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Unique ids that need not be secret (request ids, media-token ids). */
public final class Ids {
  private Ids() {}

  /** A version-4 UUID from a thread-local generator, rather than contended SecureRandom. */
  public static String randomUuid() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return new UUID(
            (r.nextLong() & ~0xF000L) | 0x4000L,
            (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L)
        .toString();
  }
}

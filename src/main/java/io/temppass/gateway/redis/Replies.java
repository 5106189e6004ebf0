package io.temppass.gateway.redis;

import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.Map;

/** Reading replies the same way whether Redis negotiated RESP3 (maps) or RESP2 (flat arrays). */
public final class Replies {
  private Replies() {}

  public static Map<String, String> toMap(Response reply) {
    Map<String, String> out = new HashMap<>();
    if (reply == null) return out;
    try {
      for (String field : reply.getKeys()) out.put(field, reply.get(field).toString());
    } catch (UnsupportedOperationException | IllegalStateException | ClassCastException flatArray) {
      for (int i = 0; i + 1 < reply.size(); i += 2) out.put(reply.get(i).toString(), reply.get(i + 1).toString());
    }
    return out;
  }
}

package io.temppass.gateway.redis;

import io.vertx.redis.client.Response;
import java.util.HashMap;
import java.util.Map;

/** Reading replies the same way whether Redis negotiated RESP3 (maps) or RESP2 (flat arrays). */
public final class Replies {
  private Replies() {}

  /**
   * The HTTP status a failed Redis call stands for: an error in our data or scripts (WRONGTYPE, a
   * failing script) is unexpected, 500; anything else (timeout, refused or closed connection, full
   * pool, LOADING, CLUSTERDOWN, too few replica acknowledgements) means Redis is unavailable for
   * now, 503.
   */
  public static int failureStatus(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    boolean dataOrScriptError =
        cause instanceof Response
            && (message.startsWith("WRONGTYPE")
                || message.contains("Error running script")
                || message.contains("user_script"));
    return dataOrScriptError ? 500 : 503;
  }

  public static Map<String, String> toMap(Response reply) {
    Map<String, String> out = new HashMap<>();
    if (reply == null) return out;
    try {
      for (String field : reply.getKeys()) out.put(field, reply.get(field).toString());
    } catch (UnsupportedOperationException | IllegalStateException | ClassCastException flatArray) {
      for (int i = 0; i + 1 < reply.size(); i += 2)
        out.put(reply.get(i).toString(), reply.get(i + 1).toString());
    }
    return out;
  }
}

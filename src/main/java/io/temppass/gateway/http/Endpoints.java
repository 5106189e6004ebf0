package io.temppass.gateway.http;

/**
 * Paths outside the Adobe API surface, in one place so manifests and tests can check against them.
 */
public final class Endpoints {
  /** Media-token public keys (JWKS). */
  public static final String JWKS = "/.well-known/jwks.json";

  /** Liveness: the process is serving HTTP. */
  public static final String LIVENESS = "/health/live";

  /** Readiness: Redis reachable and not shutting down. */
  public static final String READINESS = "/health/ready";

  /** Prometheus metrics. */
  public static final String METRICS = "/metrics";

  /**
   * The OpenAPI document of the public and admin API (docs/openapi.yaml, packaged on the class
   * path).
   */
  public static final String OPENAPI = "/openapi.yaml";

  /**
   * The error reference (docs/ERRORS.md, packaged on the class path, rendered as HTML): where every
   * Enhanced Error's {@code helpUrl} points unless {@code server.helpUrl} says otherwise.
   */
  public static final String ERRORS = "/docs/errors";

  private Endpoints() {}
}

package io.temppass.gateway;

import io.temppass.gateway.admin.ControlPlane;
import io.temppass.gateway.auth.AccessTokenVerifier;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.metrics.GatewayMetrics;
import io.temppass.gateway.temppass.IdentityHasher;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one gateway process shares between its verticle instances: all thread-safe, built once at
 * start-up. {@code draining} turns readiness off when shutdown begins.
 */
public record Services(
    GatewayConfig config,
    IdentityHasher hasher,
    ControlPlane control,
    AccessTokenVerifier accessTokens,
    GatewayMetrics metrics,
    JsonObject jwks,
    AtomicBoolean draining) {}

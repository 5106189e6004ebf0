package io.temppass.gateway.http;

import io.vertx.core.http.HttpHeaders;

/**
 * The names of the gateway's own request headers that are looked up on every request, built once as
 * Netty {@code AsciiString}s ({@link HttpHeaders#createOptimized}): a lookup by such a name uses
 * its cached hash, where a {@code String} name is hashed again, case-insensitively, on every call.
 * The standard names ({@code Authorization}, {@code Accept}, {@code Content-Type}) are {@link
 * HttpHeaders}'s constants, which are built the same way.
 */
final class HeaderNames {
  static final CharSequence DEVICE_IDENTIFIER = HttpHeaders.createOptimized("AP-Device-Identifier");
  static final CharSequence DEVICE_INFO = HttpHeaders.createOptimized("X-Device-Info");
  static final CharSequence TEMPPASS_IDENTITY = HttpHeaders.createOptimized("AP-TempPass-Identity");
  static final CharSequence FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
  static final CharSequence REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");

  private HeaderNames() {}
}

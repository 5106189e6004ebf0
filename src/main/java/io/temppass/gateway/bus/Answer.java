package io.temppass.gateway.bus;

import io.temppass.gateway.error.ErrorCode;

/**
 * A reply that carries either its result or, in {@link #error}, the Enhanced Error the HTTP side
 * renders instead (the MVPD verticle's session, session-information and profile replies).
 */
public interface Answer {
  /** Null when the reply carries its result. */
  ErrorCode error();

  /**
   * What exactly was wrong, for the error's {@code details}; null: the code's usual meaning says
   * it.
   */
  default String details() {
    return null;
  }
}

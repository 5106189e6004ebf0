package io.temppass.gateway.client;

/** Why a statement, credential or token was refused, fit for logs (never the value itself). */
public final class Refused extends Exception {
  public Refused(String reason) {
    super(reason, null, false, false);
  }
}

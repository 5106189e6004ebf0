package io.temppass.gateway.support;

import java.util.List;

/**
 * The fields of a decision item, in the order of Adobe's samples (SPEC 4): what the tests compare
 * {@code new ArrayList<>(decision.fieldNames())} with.
 */
public final class DecisionFields {
  /** A permitted decision with its media token and the decision's times. */
  public static final List<String> PERMITTED =
      List.of(
          "resource",
          "serviceProvider",
          "mvpd",
          "source",
          "authorized",
          "token",
          "notBefore",
          "notAfter");

  /** A permitted decision with a token but no times of its own (a degradation rule's AuthZAll). */
  public static final List<String> PERMITTED_WITHOUT_TIMES = PERMITTED.subList(0, 6);

  /** A denied decision. */
  public static final List<String> DENIED =
      List.of("resource", "serviceProvider", "mvpd", "source", "authorized", "error");

  private DecisionFields() {}
}

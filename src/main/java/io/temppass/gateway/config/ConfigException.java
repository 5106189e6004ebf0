package io.temppass.gateway.config;

import java.util.List;

/**
 * Invalid configuration. Each problem starts with the setting's path, so start-up logs name it;
 * when several settings are wrong, {@link #problems()} lists every one (the message is the first).
 */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(String setting, String problem) {
    super(setting + ": " + problem);
    this.problems = List.of(getMessage());
  }

  private ConfigException(List<String> problems) {
    super(problems.get(0));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in the order of the configuration; at least one. */
  public List<String> problems() {
    return problems;
  }

  static ConfigException of(List<String> problems) {
    return new ConfigException(problems);
  }
}

package io.temppass.gateway.config;

/** Invalid configuration. The message always starts with the setting's path, so start-up logs name it. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String setting, String problem) {
    super(setting + ": " + problem);
  }
}

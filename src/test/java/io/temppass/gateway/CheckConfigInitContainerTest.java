package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.temppass.gateway.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The example overlay validates the configuration in an init container ({@code --check-config}):
 * same image, same configuration file, same Secret volume and the same {@code TEMPPASS_*} overrides
 * as the gateway container, so that what it accepts is what the gateway will load. Breakage caught:
 * an override added to the gateway container's env patch but not to the init container's.
 */
class CheckConfigInitContainerTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path OVERLAY = Path.of("k8s/overlays/example");

  @Test
  void the_init_container_checks_what_the_gateway_will_load() throws Exception {
    JsonNode kustomization = YAML.readTree(OVERLAY.resolve("kustomization.yaml").toFile());
    List<String> patches = new ArrayList<>();
    for (JsonNode p : kustomization.path("patches")) patches.add(p.path("path").asText());
    assertTrue(
        patches.contains("check-config-patch.yaml"),
        "the overlay applies the check-config patch: " + patches);

    JsonNode base =
        container(
            YAML.readTree(Path.of("k8s/base/deployment.yaml").toFile()), "containers", "gateway");
    JsonNode envPatch =
        container(
            YAML.readTree(OVERLAY.resolve("deployment-env-patch.yaml").toFile()),
            "containers",
            "gateway");
    JsonNode check =
        container(
            YAML.readTree(OVERLAY.resolve("check-config-patch.yaml").toFile()),
            "initContainers",
            "check-config");

    assertEquals(List.of("--check-config"), texts(check.path("args")).subList(0, 1));
    assertEquals(
        base.path("image").asText(),
        check.path("image").asText(),
        "the same image (kustomize's images: rewrites both)");
    Map<String, String> gatewayEnv = settingsEnv(base);
    gatewayEnv.putAll(settingsEnv(envPatch));
    assertEquals(
        gatewayEnv,
        settingsEnv(check),
        "TEMPPASS_* variables of the init container and the gateway container");
    assertEquals(mounts(base).get("config"), mounts(check).get("config"));
    assertEquals(mounts(base).get("secrets"), mounts(check).get("secrets"));
  }

  private static JsonNode container(JsonNode deployment, String list, String name) {
    for (JsonNode c : deployment.path("spec").path("template").path("spec").path(list)) {
      if (c.path("name").asText().equals(name)) return c;
    }
    assertNotNull(null, "no " + list + " entry named " + name);
    return null;
  }

  private static Map<String, String> settingsEnv(JsonNode container) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode e : container.path("env")) {
      String name = e.path("name").asText();
      if (name.startsWith(ConfigLoader.ENV_PREFIX)) out.put(name, e.path("value").asText());
    }
    return out;
  }

  private static Map<String, String> mounts(JsonNode container) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode m : container.path("volumeMounts"))
      out.put(m.path("name").asText(), m.path("mountPath").asText());
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) out.add(n.asText());
    return out;
  }
}

package io.temppass.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.temppass.gateway.config.ConfigException;
import io.temppass.gateway.config.ConfigLoader;
import io.temppass.gateway.config.GatewayConfig;
import io.temppass.gateway.http.Endpoints;
import io.temppass.gateway.token.SigningKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files (k8s/, Dockerfile) agree with the application: probe and metrics paths, the
 * port, the configuration file and the secret files it names, the environment overrides, and the
 * objects that refer to each other. Every YAML file under k8s/ is parsed; nothing needs a cluster.
 */
class KubernetesManifestsTest {
  private static final Path K8S = Path.of("k8s");
  private static final Path BASE = K8S.resolve("base");
  private static final Path REDIS_CLUSTER = K8S.resolve("redis-cluster");
  private static final Path EXAMPLE = K8S.resolve("overlays").resolve("example");
  private static final Path PROMETHEUS_OPERATOR = K8S.resolve("components/prometheus-operator");
  private static final String SECRET_TEMPLATE = "secret-template.yaml";
  private static final String GATEWAY = "temppass-gateway";
  private static final String GATEWAY_CONTAINER = "gateway";

  /**
   * Default of server.shutdownGracePeriod (how long in-flight requests may drain after SIGTERM),
   * used only if GatewayConfig.Server has no such component; otherwise the configured value is
   * used.
   */
  private static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** One YAML document and the file it came from. */
  record Manifest(Path file, JsonNode doc) {
    String kind() {
      return doc.path("kind").asText();
    }

    String name() {
      return doc.path("metadata").path("name").asText();
    }

    String key() {
      return kind() + "/" + name();
    }

    @Override
    public String toString() {
      return file + " " + key();
    }
  }

  private static List<Path> files;
  private static List<Manifest> manifests;
  private static Map<String, String> secretMaterial;

  @BeforeAll
  static void readEverything() throws Exception {
    assertTrue(
        Files.isDirectory(K8S),
        "run from the project root: " + K8S.toAbsolutePath() + " is missing");
    List<Path> yaml;
    try (Stream<Path> walk = Files.walk(K8S)) {
      yaml =
          walk.filter(Files::isRegularFile)
              .filter(KubernetesManifestsTest::isManifest)
              .sorted()
              .toList();
    }
    // Files a configMapGenerator reads are data (the gateway's configuration), not manifests.
    Set<Path> generated = new TreeSet<>();
    for (Path k : yaml.stream().filter(KubernetesManifestsTest::isKustomization).toList()) {
      for (GeneratedConfigMap g : generators(k)) {
        for (Path f : g.files().values()) generated.add(f.normalize());
      }
    }
    files = yaml.stream().filter(f -> !generated.contains(f.normalize())).toList();
    manifests = new ArrayList<>();
    for (Path file : files) {
      for (JsonNode doc : documents(file)) manifests.add(new Manifest(file, doc));
    }
    SigningKey media = SigningKey.generate("k");
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    // Test material for each file of the Secret, keyed like secret-template.yaml.
    secretMaterial =
        Map.of(
            "access-token-public.pem",
            pem("PUBLIC KEY", rsa.generateKeyPair().getPublic().getEncoded()),
            "media-signing.key",
            media.privateKeyPem(),
            "media-signing.pub",
            media.publicKeyPem(),
            "hash-secret",
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL\n",
            "profile-key",
            java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n",
            "mvpd-cablevision-secret",
            "client-secret-of-the-mvpd\n",
            "redis-password",
            "0123456789abcdef0123456789abcdef\n");
  }

  // ---------------------------------------------------------------------------------------------
  // Every file

  @Test
  void every_yaml_file_parses_and_names_its_kind_and_object() throws IOException {
    assertFalse(files.isEmpty(), "no YAML files under " + K8S);
    for (Path file : files) {
      List<JsonNode> docs = documents(file);
      assertFalse(docs.isEmpty(), file + ": no YAML document");
      for (JsonNode doc : docs) {
        assertTrue(doc.isObject(), file + ": a document must be a mapping");
        if (isKustomization(file)) {
          assertTrue(
              doc.path("apiVersion").asText().startsWith("kustomize.config.k8s.io/"),
              file + ": apiVersion");
          assertTrue(
              Set.of("Kustomization", "Component").contains(doc.path("kind").asText()),
              file + ": kind");
        } else {
          for (String field : List.of("apiVersion", "kind")) {
            assertFalse(doc.path(field).asText().isBlank(), file + ": " + field + " is missing");
          }
          assertFalse(
              doc.path("metadata").path("name").asText().isBlank(),
              file + ": metadata.name is missing");
        }
      }
    }
  }

  @Test
  void kustomizations_refer_only_to_files_that_exist() throws IOException {
    for (Path kustomization : kustomizations()) {
      Path dir = kustomization.getParent();
      JsonNode k = documents(kustomization).get(0);
      for (String resource : texts(k.path("resources"))) {
        if (isRemote(resource)) continue;
        Path target = dir.resolve(resource).normalize();
        assertTrue(
            Files.exists(target), kustomization + ": resource " + resource + " does not exist");
        if (Files.isDirectory(target)) {
          assertTrue(
              Files.isRegularFile(target.resolve("kustomization.yaml")),
              kustomization + ": " + resource + " has no kustomization.yaml");
        }
      }
      for (String patch : patchPaths(k)) {
        assertTrue(
            Files.isRegularFile(dir.resolve(patch)),
            kustomization + ": patch " + patch + " does not exist");
      }
      for (String component : texts(k.path("components"))) {
        assertTrue(
            Files.isRegularFile(dir.resolve(component).resolve("kustomization.yaml")),
            kustomization + ": component " + component + " has no kustomization.yaml");
      }
      for (GeneratedConfigMap g : generators(kustomization)) {
        for (Path f : g.files().values()) {
          assertTrue(
              Files.isRegularFile(f),
              kustomization + ": configMapGenerator " + g.name() + " reads " + f + ", missing");
        }
      }
    }
  }

  /**
   * The example overlay deploys the observability component: the dashboard ConfigMap that Grafana's
   * sidecar imports (label {@code grafana_dashboard}) with the dashboard file as its data, and the
   * PrometheusRule. Breakage caught: the component dropped from the overlay, the label or the file
   * of the generator renamed.
   */
  @Test
  void the_example_overlay_deploys_the_dashboard_and_the_alert_rules() throws IOException {
    Map<String, JsonNode> objects = objectsOf(K8S.resolve("overlays").resolve("example"));
    JsonNode dashboard = objects.get("ConfigMap/temppass-gateway-dashboard");
    assertNotNull(
        dashboard, "the example overlay renders no dashboard ConfigMap: " + objects.keySet());
    assertEquals(
        "1", dashboard.path("metadata").path("labels").path("grafana_dashboard").asText(), "label");
    assertEquals(
        new ObjectMapper().readTree(K8S.resolve("observability/grafana-dashboard.json").toFile()),
        new ObjectMapper().readTree(dashboard.path("data").path("grafana-dashboard.json").asText()),
        "the ConfigMap holds the dashboard file");
    assertTrue(
        objects.containsKey("PrometheusRule/temppass-gateway"),
        "the example overlay renders no PrometheusRule: " + objects.keySet());
  }

  @Test
  void every_manifest_is_deployed_by_its_kustomization_except_the_secret_template()
      throws IOException {
    for (Path kustomization : kustomizations()) {
      Path dir = kustomization.getParent();
      JsonNode k = documents(kustomization).get(0);
      Set<Path> referenced = new TreeSet<>();
      for (String r : texts(k.path("resources")))
        if (!isRemote(r)) referenced.add(dir.resolve(r).normalize());
      for (String p : patchPaths(k)) referenced.add(dir.resolve(p).normalize());
      try (Stream<Path> list = Files.list(dir)) {
        for (Path file : list.filter(KubernetesManifestsTest::isYaml).toList()) {
          String name = file.getFileName().toString();
          if (name.equals("kustomization.yaml") || name.equals(SECRET_TEMPLATE)) continue;
          if (!isManifest(file)) continue;
          assertTrue(
              referenced.contains(file.normalize()),
              file + " is not listed in " + kustomization + " (forgotten?)");
        }
      }
    }
  }

  @Test
  void the_secret_template_is_never_deployed_by_kustomize() throws IOException {
    assertTrue(
        Files.isRegularFile(BASE.resolve(SECRET_TEMPLATE)),
        "k8s/base/" + SECRET_TEMPLATE + " is missing");
    for (Path kustomization : kustomizations()) {
      JsonNode k = documents(kustomization).get(0);
      List<String> refs = new ArrayList<>(texts(k.path("resources")));
      refs.addAll(patchPaths(k));
      for (String ref : refs) {
        assertFalse(
            ref.endsWith(SECRET_TEMPLATE),
            kustomization
                + " lists "
                + ref
                + ": real secrets are created out of band, never rendered from git");
      }
    }
  }

  @Test
  void overlay_patches_target_objects_and_containers_of_their_bases() throws IOException {
    for (Path kustomization : kustomizations()) {
      JsonNode k = documents(kustomization).get(0);
      Map<String, JsonNode> objects = objectsOf(kustomization.getParent());
      for (JsonNode patch : k.path("patches")) {
        if (patch.has("target") || !patch.has("path"))
          continue; // explicit targets are kustomize's to check
        Path file = kustomization.getParent().resolve(patch.path("path").asText());
        for (JsonNode doc : documents(file)) {
          Manifest m = new Manifest(file, doc);
          JsonNode target = objects.get(m.key());
          assertNotNull(
              target,
              file + " patches " + m.key() + ", which " + kustomization + " does not deploy");
          if (m.kind().equals("Deployment")) {
            Set<String> known = new TreeSet<>();
            for (JsonNode c : target.path("spec").path("template").path("spec").path("containers"))
              known.add(c.path("name").asText());
            for (JsonNode c : doc.path("spec").path("template").path("spec").path("containers")) {
              assertTrue(
                  known.contains(c.path("name").asText()),
                  file
                      + ": container "
                      + c.path("name").asText()
                      + " is not in the base (a patch would add a container without an image)");
            }
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The gateway Deployment and the application

  @Test
  void the_container_port_is_the_configured_server_port(@TempDir Path tmp) throws IOException {
    GatewayConfig config = loadConfig(baseEnvironment(), tmp);
    assertEquals(
        config.server().port(),
        httpPort().path("containerPort").asInt(),
        "containerPort 'http' must equal server.port of the ConfigMap's gateway.yaml");
  }

  @Test
  void probe_paths_match_the_application() {
    JsonNode c = gatewayContainer();
    assertEquals(
        Endpoints.LIVENESS,
        c.path("livenessProbe").path("httpGet").path("path").asText(),
        "livenessProbe path");
    assertEquals(
        Endpoints.READINESS,
        c.path("readinessProbe").path("httpGet").path("path").asText(),
        "readinessProbe path");
    String startup = c.path("startupProbe").path("httpGet").path("path").asText();
    assertTrue(
        Set.of(Endpoints.LIVENESS, Endpoints.READINESS).contains(startup),
        "startupProbe path " + startup + " is not a health endpoint");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      JsonNode port = c.path(probe).path("httpGet").path("port");
      assertTrue(
          refersToHttpPort(port),
          probe + " port " + port + " is not the container port 'http' (by name or number)");
    }
  }

  /**
   * Prometheus scrapes /metrics on the management port (server.managementPort), which the Service
   * does not expose, so the public port never serves metrics.
   */
  @Test
  void prometheus_scrapes_the_metrics_endpoint_on_the_management_port(@TempDir Path tmp)
      throws IOException {
    JsonNode annotations =
        deployment().doc().path("spec").path("template").path("metadata").path("annotations");
    assertEquals("true", annotations.path("prometheus.io/scrape").asText(), "prometheus.io/scrape");
    assertEquals(
        Endpoints.METRICS, annotations.path("prometheus.io/path").asText(), "prometheus.io/path");
    JsonNode management = namedPort("management");
    assertEquals(
        management.path("containerPort").asText(),
        annotations.path("prometheus.io/port").asText(),
        "prometheus.io/port");
    GatewayConfig config = loadConfig(baseEnvironment(), tmp);
    assertNotNull(
        config.server().managementPort(), "server.managementPort must be set in the ConfigMap");
    assertEquals(
        config.server().managementPort().intValue(),
        management.path("containerPort").asInt(),
        "containerPort 'management' must equal server.managementPort of the ConfigMap's gateway.yaml");
    for (JsonNode port : base("Service").doc().path("spec").path("ports")) {
      assertFalse(
          port.path("targetPort").asText().equals("management")
              || port.path("targetPort").asInt() == management.path("containerPort").asInt(),
          "the Service must not expose the management port");
    }
  }

  @Test
  void the_service_targets_the_named_container_port_of_the_gateway_pods() {
    JsonNode service = base("Service").doc().path("spec");
    assertFalse(service.path("ports").isEmpty(), "the Service has no ports");
    for (JsonNode port : service.path("ports")) {
      assertEquals(
          httpPort().path("name").asText(), port.path("targetPort").asText(), "Service targetPort");
    }
    assertSelects(service.path("selector"), "Service selector");
    assertSelects(
        deployment().doc().path("spec").path("selector").path("matchLabels"),
        "Deployment selector");
  }

  @Test
  void the_config_env_points_at_the_mounted_configmap_file() {
    String configured = env(gatewayContainer()).get("TEMPPASS_CONFIG");
    assertNotNull(configured, "TEMPPASS_CONFIG is not set");
    GeneratedConfigMap configMap = configMap();
    String volume = volumeFor("configMap", configMap.name());
    String mountPath = mountPath(volume);
    String key = configured.substring(configured.lastIndexOf('/') + 1);
    assertEquals(
        mountPath + "/" + key,
        configured,
        "TEMPPASS_CONFIG must be the ConfigMap mount path + its file name");
    assertTrue(
        configMap.files().containsKey(key), "ConfigMap " + configMap.name() + " has no key " + key);
  }

  /**
   * The gateway reads its configuration once, at start-up. A plain ConfigMap can change under
   * running pods without anything restarting them (they go on with the old file, new pods get the
   * new one); a generated ConfigMap's name carries a hash of its content, so a change renames it
   * and changes the Deployment's pod template, and applying the overlay rolls the pods. Caught: the
   * configuration shipped as a plain ConfigMap resource.
   */
  @Test
  void the_configuration_is_a_generated_configmap_so_a_change_rolls_the_pods() throws IOException {
    for (Manifest m : manifests) {
      assertFalse(
          m.kind().equals("ConfigMap") && m.file().startsWith(BASE),
          m + ": the configuration must come from the base's configMapGenerator, not a resource");
    }
    GeneratedConfigMap configMap = configMap();
    assertNotNull(volumeFor("configMap", configMap.name()));
    JsonNode k = documents(BASE.resolve("kustomization.yaml")).get(0);
    assertFalse(
        k.path("generatorOptions").path("disableNameSuffixHash").asBoolean(false),
        "disableNameSuffixHash would keep the ConfigMap's name, and the pods, across changes");
  }

  @Test
  void the_configmap_is_a_valid_production_configuration(@TempDir Path tmp) throws IOException {
    GatewayConfig config = loadConfig(baseEnvironment(), tmp);
    assertEquals(GatewayConfig.Mode.PRODUCTION, config.mode());
    assertFalse(config.redis().embedded());
    assertEquals(secretMaterial.get("hash-secret").strip(), config.hashSecret());
    assertEquals(
        1,
        config.mediaTokens().keys().stream().filter(GatewayConfig.MediaTokenKey::active).count());
    assertFalse(config.integrations().isEmpty(), "no integrations");
  }

  @Test
  void secret_files_named_in_the_configuration_are_keys_of_the_mounted_secret() {
    Manifest template = base("Secret");
    assertEquals(
        SECRET_TEMPLATE,
        template.file().getFileName().toString(),
        "the base's Secret must be the template");
    Set<String> keys = new TreeSet<>();
    template.doc().path("data").fieldNames().forEachRemaining(keys::add);
    template.doc().path("stringData").fieldNames().forEachRemaining(keys::add);
    String mountPath = mountPath(volumeFor("secret", template.name()));
    assertTrue(
        keys.containsAll(secretMaterial.keySet()) && secretMaterial.keySet().containsAll(keys),
        "secret-template.yaml keys "
            + keys
            + " differ from the test's material "
            + secretMaterial.keySet()
            + ": update both");

    List<String> referenced = new ArrayList<>();
    collectFileReferences(configTree(baseEnvironment()), referenced);
    assertFalse(referenced.isEmpty(), "the configuration names no file: secrets");
    for (String path : referenced) {
      assertTrue(
          path.startsWith(mountPath + "/"),
          path + " is not under the Secret's mount path " + mountPath);
      String name = path.substring(mountPath.length() + 1);
      assertTrue(
          keys.contains(name),
          path + ": " + name + " is not a key of " + SECRET_TEMPLATE + " " + keys);
    }
  }

  @Test
  void deployment_environment_overrides_name_real_settings(@TempDir Path tmp) throws IOException {
    Map<String, Map<String, String>> variants = new LinkedHashMap<>();
    variants.put(deployment().toString(), baseEnvironment());
    // Each Deployment patch elsewhere (an overlay's env patch) on top of the base's environment.
    for (Manifest m : manifests) {
      if (!m.kind().equals("Deployment") || !m.name().equals(GATEWAY) || m.file().startsWith(BASE))
        continue;
      for (JsonNode c : m.doc().path("spec").path("template").path("spec").path("containers")) {
        if (!c.path("name").asText().equals(GATEWAY_CONTAINER) || !c.has("env")) continue;
        Map<String, String> env = new HashMap<>(baseEnvironment());
        env.putAll(env(c));
        variants.put(m.toString(), env);
      }
    }
    for (Map.Entry<String, Map<String, String>> v : variants.entrySet()) {
      try {
        loadConfig(v.getValue(), tmp);
      } catch (ConfigException e) {
        fail(
            v.getKey()
                + ": its TEMPPASS_* variables do not make a valid configuration: "
                + e.getMessage());
      }
    }
  }

  @Test
  void service_links_are_off_because_their_TEMPPASS_variables_would_stop_start_up() {
    // Kubernetes injects <SERVICE>_SERVICE_HOST, <SERVICE>_PORT, ... for every Service of the
    // namespace; a Service named temppass-* therefore yields TEMPPASS_* variables.
    Map<String, String> injected = new HashMap<>();
    for (Manifest m : manifests) {
      if (!m.kind().equals("Service")) continue;
      String prefix = m.name().toUpperCase(Locale.ROOT).replace('-', '_');
      injected.put(prefix + "_SERVICE_HOST", "10.0.0.1");
      injected.put(prefix + "_PORT", "tcp://10.0.0.1:80");
    }
    assertTrue(
        injected.keySet().stream().anyMatch(n -> n.startsWith(ConfigLoader.ENV_PREFIX)),
        "no temppass-* Service (test premise)");
    assertThrows(
        ConfigException.class,
        () -> GatewayConfig.from(ConfigLoader.tree(List.of(), injected), p -> ""),
        "service-link variables are read as settings");
    assertFalse(
        podSpec().path("enableServiceLinks").asBoolean(true),
        "enableServiceLinks must be false: Service links "
            + new TreeSet<>(injected.keySet())
            + " would stop start-up");
  }

  @Test
  void the_redis_endpoints_are_nodes_of_the_in_cluster_redis_cluster(@TempDir Path tmp)
      throws IOException {
    // The base targets k8s/redis-cluster; an overlay may point elsewhere via
    // TEMPPASS_REDIS__ENDPOINTS.
    GatewayConfig config = loadConfig(baseEnvironment(), tmp);
    Manifest sts = one(REDIS_CLUSTER, "StatefulSet");
    String service = sts.doc().path("spec").path("serviceName").asText();
    int replicas = sts.doc().path("spec").path("replicas").asInt();
    Manifest headless =
        manifests.stream()
            .filter(m -> m.file().startsWith(REDIS_CLUSTER) && m.key().equals("Service/" + service))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no Service " + service + " in " + REDIS_CLUSTER));
    assertEquals(
        "None",
        headless.doc().path("spec").path("clusterIP").asText(),
        "the StatefulSet's Service must be headless");
    List<String> args =
        texts(
            sts.doc()
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("args"));
    assertTrue(
        String.join(" ", args).contains("--cluster-enabled yes"),
        "Redis nodes must run with --cluster-enabled yes");

    assertEquals(GatewayConfig.RedisType.CLUSTER, config.redis().type());
    Pattern node =
        Pattern.compile(
            "redis://"
                + Pattern.quote(sts.name())
                + "-(\\d+)\\."
                + Pattern.quote(service)
                + ":6379");
    for (String endpoint : config.redis().endpoints()) {
      Matcher m = node.matcher(endpoint);
      assertTrue(m.matches(), endpoint + " is not a node of StatefulSet " + sts.name());
      assertTrue(
          Integer.parseInt(m.group(1)) < replicas,
          endpoint + ": the StatefulSet has " + replicas + " pods");
    }
  }

  @Test
  void the_autoscaler_and_disruption_budget_target_the_deployment() {
    JsonNode hpa = base("HorizontalPodAutoscaler").doc().path("spec");
    JsonNode ref = hpa.path("scaleTargetRef");
    assertEquals("apps/v1", ref.path("apiVersion").asText());
    assertEquals("Deployment", ref.path("kind").asText());
    assertEquals(deployment().name(), ref.path("name").asText());
    int min = hpa.path("minReplicas").asInt(1);
    assertTrue(min >= 2, "minReplicas " + min + ": one pod is no high availability");
    for (Manifest m : manifests) {
      if (!m.kind().equals("HorizontalPodAutoscaler")) continue;
      JsonNode spec = m.doc().path("spec");
      if (spec.has("minReplicas") && spec.has("maxReplicas")) {
        assertTrue(
            spec.path("minReplicas").asInt() <= spec.path("maxReplicas").asInt(),
            m + ": minReplicas > maxReplicas");
      }
    }

    JsonNode pdb = base("PodDisruptionBudget").doc().path("spec");
    assertSelects(pdb.path("selector").path("matchLabels"), "PodDisruptionBudget selector");
    boolean allowsDisruption =
        pdb.has("maxUnavailable")
            ? pdb.path("maxUnavailable").asInt() >= 1
                || pdb.path("maxUnavailable").asText().endsWith("%")
            : pdb.path("minAvailable").asInt(Integer.MAX_VALUE) < min;
    assertTrue(allowsDisruption, "the PodDisruptionBudget would block every node drain");
  }

  @Test
  void the_gateway_runs_as_non_root_on_a_read_only_root_filesystem() {
    JsonNode pod = podSpec().path("securityContext");
    JsonNode container = gatewayContainer().path("securityContext");
    assertTrue(
        pod.path("runAsNonRoot").asBoolean(false)
            || container.path("runAsNonRoot").asBoolean(false),
        "runAsNonRoot");
    assertTrue(
        pod.path("runAsUser").asInt(0) > 0 || container.path("runAsUser").asInt(0) > 0,
        "runAsUser must be a non-zero uid");
    assertTrue(container.path("readOnlyRootFilesystem").asBoolean(false), "readOnlyRootFilesystem");
    assertFalse(
        container.path("allowPrivilegeEscalation").asBoolean(true), "allowPrivilegeEscalation");
    assertTrue(
        texts(container.path("capabilities").path("drop")).contains("ALL"),
        "capabilities.drop ALL");
    String seccomp =
        container
            .path("seccompProfile")
            .path("type")
            .asText(pod.path("seccompProfile").path("type").asText());
    assertEquals("RuntimeDefault", seccomp, "seccompProfile");
    // A read-only root needs a writable /tmp (java.io.tmpdir: Netty native libraries, Vert.x
    // cache).
    String tmpVolume = null;
    for (JsonNode mount : gatewayContainer().path("volumeMounts")) {
      if (mount.path("mountPath").asText().equals("/tmp")) tmpVolume = mount.path("name").asText();
    }
    assertNotNull(tmpVolume, "no volume mounted at /tmp");
    assertTrue(volume(tmpVolume).has("emptyDir"), "/tmp must be an emptyDir");
  }

  @Test
  void the_shutdown_budget_fits_the_termination_grace_period(@TempDir Path tmp) throws Exception {
    JsonNode preStop = gatewayContainer().path("lifecycle").path("preStop");
    int sleep;
    if (preStop.has("sleep")) {
      sleep = preStop.path("sleep").path("seconds").asInt();
    } else {
      List<String> command = texts(preStop.path("exec").path("command"));
      assertTrue(
          !command.isEmpty() && command.get(0).endsWith("sleep"),
          "preStop must sleep so endpoints are removed before SIGTERM: " + command);
      sleep = Integer.parseInt(command.get(command.size() - 1));
    }
    assertTrue(sleep > 0, "preStop sleep");
    long drain = shutdownGracePeriod(loadConfig(baseEnvironment(), tmp)).toSeconds();
    int grace = podSpec().path("terminationGracePeriodSeconds").asInt(30);
    assertTrue(
        sleep + drain < grace,
        "preStop "
            + sleep
            + "s + server.shutdownGracePeriod "
            + drain
            + "s must be below terminationGracePeriodSeconds "
            + grace);
  }

  @Test
  void the_image_user_and_port_match_the_deployment() throws IOException {
    Path dockerfile = Path.of("Dockerfile");
    assumeTrue(Files.isRegularFile(dockerfile), "no Dockerfile next to k8s/");
    List<String> lines =
        Files.readAllLines(dockerfile).stream()
            .map(String::strip)
            .filter(l -> !l.startsWith("#"))
            .toList();
    String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("");
    int uid = podSpec().path("securityContext").path("runAsUser").asInt();
    assertTrue(
        user.matches("USER " + uid + "(:\\d+)?"),
        "Dockerfile " + user + " must be the numeric runAsUser " + uid);
    assertTrue(
        lines.contains("EXPOSE " + httpPort().path("containerPort").asInt()),
        "Dockerfile must EXPOSE the container port");
    String entrypoint =
        lines.stream().filter(l -> l.startsWith("ENTRYPOINT")).reduce((a, b) -> b).orElse("");
    assertTrue(
        entrypoint.startsWith("ENTRYPOINT [\"java\""),
        "ENTRYPOINT must be exec form, so SIGTERM reaches the JVM: " + entrypoint);
  }

  // ---------------------------------------------------------------------------------------------
  // Ingress, network policy, monitoring

  /**
   * Browsers must reach sessions.publicUrl (MVPD sign-in pages and the callback registered with
   * each MVPD), so the example overlay publishes it: an Ingress for exactly that host, with TLS for
   * it, to the gateway Service's public port. Caught: no Ingress, a host other than publicUrl's, a
   * publicUrl that is not https, TLS that does not cover the host, a backend that is not the
   * gateway Service or names a port the Service does not have.
   */
  @Test
  void the_example_ingress_serves_the_public_url_over_tls_to_the_gateway_service()
      throws IOException {
    JsonObject sessions = configTree(overlayEnvironment()).getJsonObject("sessions");
    assertNotNull(sessions, "the ConfigMap has no sessions: nothing for browsers to reach");
    java.net.URI publicUrl = java.net.URI.create(sessions.getString("publicUrl"));
    assertEquals("https", publicUrl.getScheme(), "sessions.publicUrl must be https");
    String host = publicUrl.getHost();
    Manifest service = base("Service");
    Set<String> servicePorts = new TreeSet<>();
    for (JsonNode port : service.doc().path("spec").path("ports")) {
      servicePorts.add(port.path("name").asText());
      servicePorts.add(port.path("port").asText());
    }
    List<JsonNode> ingresses = objectsOfKind(EXAMPLE, "Ingress");
    assertEquals(1, ingresses.size(), EXAMPLE + " must deploy one Ingress");
    JsonNode ingress = ingresses.get(0);
    assertEquals("networking.k8s.io/v1", ingress.path("apiVersion").asText());
    JsonNode spec = ingress.path("spec");
    boolean tls = false;
    for (JsonNode t : spec.path("tls")) {
      if (texts(t.path("hosts")).contains(host)) {
        tls = true;
        assertFalse(t.path("secretName").asText().isBlank(), "tls for " + host + ": secretName");
      }
    }
    assertTrue(tls, "the Ingress has no TLS for " + host);
    List<String> hosts = new ArrayList<>();
    for (JsonNode rule : spec.path("rules")) {
      hosts.add(rule.path("host").asText());
      for (JsonNode path : rule.path("http").path("paths")) {
        JsonNode backend = path.path("backend").path("service");
        assertEquals(service.name(), backend.path("name").asText(), "Ingress backend service");
        String port =
            backend.path("port").has("name")
                ? backend.path("port").path("name").asText()
                : backend.path("port").path("number").asText();
        assertTrue(servicePorts.contains(port), "Ingress backend port " + port + " not in Service");
      }
    }
    assertEquals(List.of(host), hosts, "Ingress hosts must be the host of sessions.publicUrl");
  }

  /**
   * The gateway's NetworkPolicy admits the ingress controller to the public port and Prometheus to
   * the management port, nothing else, and lets the gateway reach Redis, DNS and the MVPDs (443).
   * Caught: no policy for the gateway pods, a port that is not a container port (the policy would
   * silently admit nothing), another port open, or a needed egress missing (the pods would lose
   * Redis, names or the MVPDs once the CNI enforces it).
   */
  @Test
  void the_gateway_network_policy_admits_the_proxy_and_prometheus_and_reaches_redis_dns_and_mvpds()
      throws IOException {
    JsonNode podLabels =
        deployment().doc().path("spec").path("template").path("metadata").path("labels");
    List<JsonNode> policies = new ArrayList<>();
    for (JsonNode p : objectsOfKind(EXAMPLE, "NetworkPolicy")) {
      if (selects(p.path("spec").path("podSelector").path("matchLabels"), podLabels))
        policies.add(p);
    }
    assertEquals(1, policies.size(), "one NetworkPolicy must select the gateway pods");
    JsonNode spec = policies.get(0).path("spec");
    assertEquals(Set.of("Ingress", "Egress"), new TreeSet<>(texts(spec.path("policyTypes"))));

    Set<String> admitted = new TreeSet<>();
    for (JsonNode rule : spec.path("ingress")) {
      assertFalse(rule.path("from").isEmpty(), "an ingress rule without 'from' admits everyone");
      assertFalse(rule.path("ports").isEmpty(), "an ingress rule without ports admits every port");
      for (JsonNode port : rule.path("ports")) {
        String name = port.path("port").asText();
        JsonNode containerPort = namedPort(name.matches("\\d+") ? portName(port) : name);
        admitted.add(containerPort.path("name").asText());
      }
    }
    assertEquals(Set.of("http", "management"), admitted, "ports open to other pods");

    JsonNode redisLabels =
        one(REDIS_CLUSTER, "StatefulSet")
            .doc()
            .path("spec")
            .path("template")
            .path("metadata")
            .path("labels");
    boolean redis = false;
    boolean dnsUdp = false;
    boolean dnsTcp = false;
    boolean https = false;
    for (JsonNode rule : spec.path("egress")) {
      for (JsonNode port : rule.path("ports")) {
        int number = port.path("port").asInt();
        String protocol = port.path("protocol").asText("TCP");
        for (JsonNode to : rule.path("to")) {
          if (number == 6379
              && selects(to.path("podSelector").path("matchLabels"), redisLabels)
              && !to.has("namespaceSelector")) redis = true;
        }
        if (number == 53 && protocol.equals("UDP")) dnsUdp = true;
        if (number == 53 && protocol.equals("TCP")) dnsTcp = true;
        if (number == 443 && protocol.equals("TCP")) {
          for (JsonNode to : rule.path("to")) {
            if (to.path("ipBlock").path("cidr").asText().equals("0.0.0.0/0")) https = true;
          }
        }
      }
    }
    assertTrue(redis, "no egress to the Redis pods on 6379");
    assertTrue(dnsUdp && dnsTcp, "no egress to DNS on 53 (UDP and TCP)");
    assertTrue(https, "no egress to the MVPDs (0.0.0.0/0 on 443)");

    // And the Redis side admits the gateway pods.
    JsonNode redisPolicy = one(REDIS_CLUSTER, "NetworkPolicy").doc().path("spec");
    boolean admitsGateway = false;
    for (JsonNode rule : redisPolicy.path("ingress")) {
      for (JsonNode from : rule.path("from")) {
        if (selects(from.path("podSelector").path("matchLabels"), podLabels)) admitsGateway = true;
      }
    }
    assertTrue(admitsGateway, "the Redis NetworkPolicy does not admit the gateway pods");
  }

  /**
   * With the Prometheus Operator, the optional component scrapes the gateway pods' /metrics on the
   * management port. Caught: a selector that misses the pods, a port name that is not the
   * container's management port, a wrong path, or the PodMonitor moved into the base (clusters
   * without the operator's CRDs would refuse the whole overlay).
   */
  @Test
  void the_prometheus_operator_component_scrapes_metrics_on_the_management_port()
      throws IOException {
    JsonNode k = documents(PROMETHEUS_OPERATOR.resolve("kustomization.yaml")).get(0);
    assertEquals("Component", k.path("kind").asText(), "an optional component, not a base");
    List<JsonNode> monitors = objectsOfKind(PROMETHEUS_OPERATOR, "PodMonitor");
    assertEquals(1, monitors.size(), "one PodMonitor in " + PROMETHEUS_OPERATOR);
    JsonNode spec = monitors.get(0).path("spec");
    assertSelects(spec.path("selector").path("matchLabels"), "PodMonitor selector");
    JsonNode endpoint = spec.path("podMetricsEndpoints").get(0);
    assertNotNull(endpoint, "the PodMonitor has no podMetricsEndpoints");
    assertEquals(
        namedPort("management").path("name").asText(), endpoint.path("port").asText(), "port");
    assertEquals(Endpoints.METRICS, endpoint.path("path").asText(), "path");
    for (Manifest m : manifests) {
      assertFalse(
          m.doc().path("apiVersion").asText().startsWith("monitoring.coreos.com/")
              && !inComponent(m.file()),
          m + ": Prometheus Operator objects belong in an optional component");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Rendered by kustomize itself (when a kubectl with kustomize v4+ is installed)

  /**
   * What kubectl apply -k would send: the overlay renders, the Deployment mounts the generated
   * ConfigMap under its hashed name, the Ingress and NetworkPolicy are there; a change to the
   * configuration file renames the ConfigMap in the Deployment's pod template (so the pods roll);
   * the overlay with the Prometheus Operator component renders its PodMonitor. Skipped without a
   * kubectl whose kustomize understands this tree (Debian 12's kubectl 1.20 embeds kustomize v2).
   */
  @Test
  void kustomize_renders_the_overlay_and_a_configuration_change_renames_the_mounted_configmap(
      @TempDir Path tmp) throws Exception {
    assumeTrue(kustomizeAvailable(), "no kubectl with kustomize v4 or later on the PATH");
    Path copy = tmp.resolve("k8s");
    copyTree(K8S, copy);
    List<JsonNode> rendered = kustomize(copy.resolve("overlays/example"));
    String mounted = mountedConfigMap(rendered);
    assertTrue(
        mounted.matches(Pattern.quote(configMap().name()) + "-[a-z0-9]{6,}"),
        "the Deployment mounts " + mounted + ", not the generated ConfigMap");
    assertTrue(
        rendered.stream()
            .anyMatch(
                d ->
                    d.path("kind").asText().equals("ConfigMap")
                        && d.path("metadata").path("name").asText().equals(mounted)),
        "the rendered overlay has no ConfigMap " + mounted);
    for (String kind : List.of("Ingress", "NetworkPolicy")) {
      assertTrue(
          rendered.stream().anyMatch(d -> d.path("kind").asText().equals(kind)),
          "the rendered overlay has no " + kind);
    }

    Path config = copy.resolve(K8S.relativize(configMap().files().get("gateway.yaml")));
    String text = Files.readString(config);
    assertTrue(text.contains("poolSize: 32"), "test premise: redis.poolSize 32 in the ConfigMap");
    Files.writeString(config, text.replace("poolSize: 32", "poolSize: 33"));
    String changed = mountedConfigMap(kustomize(copy.resolve("overlays/example")));
    assertFalse(
        changed.equals(mounted), "a changed configuration kept the ConfigMap name " + mounted);

    Path monitored = copy.resolve("overlays/monitored");
    Files.createDirectories(monitored);
    Files.writeString(
        monitored.resolve("kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1beta1\n"
            + "kind: Kustomization\n"
            + "resources: [../example]\n"
            + "components: [../../components/prometheus-operator]\n");
    assertTrue(
        kustomize(monitored).stream().anyMatch(d -> d.path("kind").asText().equals("PodMonitor")),
        "the overlay with the component has no PodMonitor");
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers: finding objects

  private static Manifest one(Path dir, String kind) {
    List<Manifest> found =
        manifests.stream()
            .filter(m -> m.file().getParent().equals(dir) && m.kind().equals(kind))
            .toList();
    assertEquals(
        1, found.size(), "expected exactly one " + kind + " in " + dir + ", found " + found);
    return found.get(0);
  }

  private static Manifest base(String kind) {
    return one(BASE, kind);
  }

  private static Manifest deployment() {
    Manifest d = base("Deployment");
    assertEquals(GATEWAY, d.name());
    return d;
  }

  private static JsonNode podSpec() {
    return deployment().doc().path("spec").path("template").path("spec");
  }

  private static JsonNode gatewayContainer() {
    for (JsonNode c : podSpec().path("containers")) {
      if (c.path("name").asText().equals(GATEWAY_CONTAINER)) return c;
    }
    throw new AssertionError("the Deployment has no container named " + GATEWAY_CONTAINER);
  }

  private static JsonNode httpPort() {
    return namedPort("http");
  }

  private static JsonNode namedPort(String name) {
    for (JsonNode p : gatewayContainer().path("ports")) {
      if (p.path("name").asText().equals(name)) return p;
    }
    throw new AssertionError("the gateway container has no port named " + name);
  }

  private static boolean refersToHttpPort(JsonNode port) {
    JsonNode http = httpPort();
    return port.isInt()
        ? port.asInt() == http.path("containerPort").asInt()
        : port.asText().equals(http.path("name").asText());
  }

  /** The Deployment's pod template labels include every label of the selector. */
  private static void assertSelects(JsonNode selector, String what) {
    JsonNode labels =
        deployment().doc().path("spec").path("template").path("metadata").path("labels");
    assertFalse(selector.isEmpty(), what + " is empty");
    selector
        .fields()
        .forEachRemaining(
            e ->
                assertEquals(
                    e.getValue().asText(),
                    labels.path(e.getKey()).asText(null),
                    what + " " + e.getKey() + " does not match the pod labels"));
  }

  private static JsonNode volume(String name) {
    for (JsonNode v : podSpec().path("volumes")) if (v.path("name").asText().equals(name)) return v;
    throw new AssertionError("no volume " + name);
  }

  /** Name of the pod volume of the given type (configMap, secret) that uses the named object. */
  private static String volumeFor(String type, String objectName) {
    String field = type.equals("secret") ? "secretName" : "name";
    for (JsonNode v : podSpec().path("volumes")) {
      if (v.path(type).path(field).asText().equals(objectName)) {
        assertFalse(
            v.path(type).has("items"),
            "volume "
                + v.path("name").asText()
                + ": items would rename files; mount every key as is");
        return v.path("name").asText();
      }
    }
    throw new AssertionError("no " + type + " volume for " + objectName);
  }

  private static String mountPath(String volume) {
    for (JsonNode m : gatewayContainer().path("volumeMounts")) {
      if (m.path("name").asText().equals(volume)) {
        assertFalse(m.has("subPath"), "mount of " + volume + " must be the whole directory");
        return m.path("mountPath").asText().replaceAll("/+$", "");
      }
    }
    throw new AssertionError("volume " + volume + " is not mounted in the gateway container");
  }

  /** The container's literal environment. */
  private static Map<String, String> env(JsonNode container) {
    Map<String, String> env = new HashMap<>();
    for (JsonNode e : container.path("env")) {
      String name = e.path("name").asText();
      if (name.startsWith(ConfigLoader.ENV_PREFIX)) {
        assertTrue(
            e.has("value"),
            name
                + ": give TEMPPASS_* settings as literal values; secrets go in the Secret volume as file: paths");
      }
      if (e.has("value")) env.put(name, e.path("value").asText());
    }
    return env;
  }

  private static Map<String, String> baseEnvironment() {
    return env(gatewayContainer());
  }

  /** Kind/name of every object a kustomization deploys, following directory resources. */
  private static Map<String, JsonNode> objectsOf(Path dir) throws IOException {
    Map<String, JsonNode> objects = new HashMap<>();
    JsonNode k = documents(dir.resolve("kustomization.yaml")).get(0);
    for (String r : texts(k.path("resources"))) {
      if (isRemote(r)) continue;
      Path target = dir.resolve(r).normalize();
      if (!Files.exists(target))
        continue; // reported by kustomizations_refer_only_to_files_that_exist
      if (Files.isDirectory(target)) {
        objects.putAll(objectsOf(target));
      } else {
        for (JsonNode doc : documents(target)) objects.put(new Manifest(target, doc).key(), doc);
      }
    }
    for (String component : texts(k.path("components"))) {
      Path target = dir.resolve(component).normalize();
      if (Files.isRegularFile(target.resolve("kustomization.yaml")))
        objects.putAll(objectsOf(target));
    }
    // What a configMapGenerator renders: the named ConfigMap, its labels, one key per file.
    for (JsonNode generator : k.path("configMapGenerator")) {
      com.fasterxml.jackson.databind.node.ObjectNode configMap = YAML.createObjectNode();
      configMap.put("apiVersion", "v1").put("kind", "ConfigMap");
      configMap.putObject("metadata").put("name", generator.path("name").asText());
      ((com.fasterxml.jackson.databind.node.ObjectNode) configMap.path("metadata"))
          .set("labels", generator.path("options").path("labels"));
      com.fasterxml.jackson.databind.node.ObjectNode data = configMap.putObject("data");
      for (String file : texts(generator.path("files"))) {
        Path source = dir.resolve(file);
        if (Files.isRegularFile(source))
          data.put(source.getFileName().toString(), Files.readString(source));
      }
      objects.put("ConfigMap/" + generator.path("name").asText(), configMap);
    }
    return objects;
  }

  /** Whether the file lies in a folder whose kustomization is an optional Component. */
  private static boolean inComponent(Path file) throws IOException {
    Path k = file.getParent().resolve("kustomization.yaml");
    return Files.isRegularFile(k) && documents(k).get(0).path("kind").asText().equals("Component");
  }

  private static List<JsonNode> objectsOfKind(Path dir, String kind) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : objectsOf(dir).entrySet()) {
      if (e.getKey().startsWith(kind + "/")) out.add(e.getValue());
    }
    return out;
  }

  /** Whether a label selector (matchLabels) selects an object with these labels. */
  private static boolean selects(JsonNode matchLabels, JsonNode labels) {
    if (matchLabels.isEmpty()) return false;
    var it = matchLabels.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) return false;
    }
    return true;
  }

  /** The gateway container port with the given number, as a name. */
  private static String portName(JsonNode policyPort) {
    for (JsonNode p : gatewayContainer().path("ports")) {
      if (p.path("containerPort").asInt() == policyPort.path("port").asInt())
        return p.path("name").asText();
    }
    throw new AssertionError(
        "port " + policyPort.path("port") + " is not a gateway container port");
  }

  /** The base's environment with the example overlay's env patch applied. */
  private static Map<String, String> overlayEnvironment() throws IOException {
    Map<String, String> env = new HashMap<>(baseEnvironment());
    for (JsonNode doc : documents(EXAMPLE.resolve("deployment-env-patch.yaml"))) {
      for (JsonNode c : doc.path("spec").path("template").path("spec").path("containers")) {
        if (c.path("name").asText().equals(GATEWAY_CONTAINER)) env.putAll(env(c));
      }
    }
    return env;
  }

  private static List<Path> kustomizations() {
    List<Path> list = files.stream().filter(KubernetesManifestsTest::isKustomization).toList();
    assertFalse(list.isEmpty(), "no kustomization.yaml under " + K8S);
    return list;
  }

  private static List<String> patchPaths(JsonNode kustomization) {
    List<String> paths = new ArrayList<>();
    for (JsonNode p : kustomization.path("patches"))
      if (p.has("path")) paths.add(p.path("path").asText());
    paths.addAll(texts(kustomization.path("patchesStrategicMerge")));
    return paths;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers: the configuration

  private static String configText() {
    String configured = baseEnvironment().get("TEMPPASS_CONFIG");
    assertNotNull(configured, "TEMPPASS_CONFIG is not set");
    String key = configured.substring(configured.lastIndexOf('/') + 1);
    Path file = configMap().files().get(key);
    assertNotNull(file, "the ConfigMap has no " + key);
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A ConfigMap of a kustomization's configMapGenerator: its name and, per key, the file. */
  record GeneratedConfigMap(String name, Map<String, Path> files) {}

  /** The gateway's configuration ConfigMap, generated by the base. */
  private static GeneratedConfigMap configMap() {
    List<GeneratedConfigMap> found;
    try {
      found = generators(BASE.resolve("kustomization.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertEquals(1, found.size(), "expected one configMapGenerator entry in " + BASE);
    return found.get(0);
  }

  private static List<GeneratedConfigMap> generators(Path kustomization) throws IOException {
    List<GeneratedConfigMap> out = new ArrayList<>();
    for (JsonNode g : documents(kustomization).get(0).path("configMapGenerator")) {
      Map<String, Path> files = new LinkedHashMap<>();
      for (String entry : texts(g.path("files"))) {
        int eq = entry.indexOf('=');
        String path = eq < 0 ? entry : entry.substring(eq + 1);
        String key = eq < 0 ? Path.of(path).getFileName().toString() : entry.substring(0, eq);
        files.put(key, kustomization.getParent().resolve(path));
      }
      out.add(new GeneratedConfigMap(g.path("name").asText(), files));
    }
    return out;
  }

  /**
   * The configuration tree exactly as the gateway builds it: the ConfigMap's file plus the
   * environment.
   */
  private static JsonObject configTree(Map<String, String> env) {
    try {
      Path file = Files.createTempFile("gateway", ".yaml");
      try {
        Files.writeString(file, configText());
        return ConfigLoader.tree(List.of(file), env);
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GatewayConfig loadConfig(Map<String, String> env, Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("gateway.yaml"), configText());
    JsonObject tree = ConfigLoader.tree(List.of(file), env);
    return GatewayConfig.from(tree, secretFiles());
  }

  /** Reads {@code <secret mount>/<key>} as the test material for that key of the Secret. */
  private static Function<String, String> secretFiles() {
    String mountPath = mountPath(volumeFor("secret", base("Secret").name()));
    return path -> {
      if (!path.startsWith(mountPath + "/"))
        throw new IllegalStateException("not in the Secret volume " + mountPath);
      String material = secretMaterial.get(path.substring(mountPath.length() + 1));
      if (material == null) throw new IllegalStateException("no such key in the Secret");
      return material;
    };
  }

  private static void collectFileReferences(Object node, List<String> into) {
    if (node instanceof JsonObject o) {
      for (String k : o.fieldNames()) collectFileReferences(o.getValue(k), into);
    } else if (node instanceof JsonArray a) {
      for (Object v : a) collectFileReferences(v, into);
    } else if (node instanceof String s && s.startsWith("file:")) {
      into.add(s.substring("file:".length()));
    }
  }

  /**
   * server.shutdownGracePeriod as configured (read reflectively: the test does not depend on the
   * setting existing).
   */
  private static Duration shutdownGracePeriod(GatewayConfig config)
      throws ReflectiveOperationException {
    for (RecordComponent c : GatewayConfig.Server.class.getRecordComponents()) {
      if (c.getName().equals("shutdownGracePeriod"))
        return (Duration) c.getAccessor().invoke(config.server());
    }
    return DEFAULT_SHUTDOWN_GRACE;
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers: kustomize

  private static boolean kustomizeAvailable() {
    try {
      Process p =
          new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      Matcher m = Pattern.compile("Kustomize Version: v(\\d+)").matcher(out);
      return p.exitValue() == 0 && m.find() && Integer.parseInt(m.group(1)) >= 4;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static List<JsonNode> kustomize(Path dir) throws Exception {
    Path out = Files.createTempFile("kustomize", ".yaml");
    Path err = Files.createTempFile("kustomize", ".err");
    try {
      Process p =
          new ProcessBuilder("kubectl", "kustomize", dir.toString())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("kubectl kustomize " + dir + " did not finish within 120 s");
      }
      assertEquals(
          0, p.exitValue(), "kubectl kustomize " + dir + ": " + Files.readString(err).strip());
      return documents(out);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Name of the ConfigMap that the rendered gateway Deployment mounts as its configuration. */
  private static String mountedConfigMap(List<JsonNode> rendered) {
    String volume = volumeFor("configMap", configMap().name());
    for (JsonNode d : rendered) {
      if (!d.path("kind").asText().equals("Deployment")
          || !d.path("metadata").path("name").asText().equals(GATEWAY)) continue;
      for (JsonNode v : d.path("spec").path("template").path("spec").path("volumes")) {
        if (v.path("name").asText().equals(volume))
          return v.path("configMap").path("name").asText();
      }
    }
    throw new AssertionError("the rendered Deployment has no volume " + volume);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : walk.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) Files.createDirectories(target);
        else Files.copy(source, target);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers: YAML

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) docs.add(doc);
      }
    } catch (IOException e) {
      throw new IOException(file + " is not valid YAML: " + e.getMessage(), e);
    }
    return docs;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) out.add(n.asText());
    return out;
  }

  private static boolean isYaml(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(".yaml") || n.endsWith(".yml");
  }

  /**
   * A YAML file that holds Kubernetes objects: every one under k8s/ but the plain Prometheus rules
   * file ({@code *.rules.yaml}, for Prometheus without the operator; ObservabilityTest checks it).
   */
  private static boolean isManifest(Path p) {
    return isYaml(p) && !p.getFileName().toString().endsWith(".rules.yaml");
  }

  private static boolean isKustomization(Path p) {
    return p.getFileName().toString().equals("kustomization.yaml");
  }

  private static boolean isRemote(String resource) {
    return resource.contains("://") || resource.startsWith("github.com/");
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}

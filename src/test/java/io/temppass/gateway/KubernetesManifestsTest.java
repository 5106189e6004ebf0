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
    try (Stream<Path> walk = Files.walk(K8S)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(KubernetesManifestsTest::isYaml)
              .sorted()
              .toList();
    }
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
          assertEquals("Kustomization", doc.path("kind").asText(), file + ": kind");
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
    }
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
    Manifest configMap = base("ConfigMap");
    String volume = volumeFor("configMap", configMap.name());
    String mountPath = mountPath(volume);
    String key = configured.substring(configured.lastIndexOf('/') + 1);
    assertEquals(
        mountPath + "/" + key,
        configured,
        "TEMPPASS_CONFIG must be the ConfigMap mount path + its file name");
    assertTrue(
        configMap.doc().path("data").has(key),
        "ConfigMap " + configMap.name() + " has no key " + key);
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
    return objects;
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
    String text = base("ConfigMap").doc().path("data").path(key).asText(null);
    assertNotNull(text, "the ConfigMap has no " + key);
    return text;
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

package io.temppass.gateway.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Response;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import io.vertx.openapi.validation.transformer.SimpleTransformer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * docs/openapi.yaml, loaded with vertx-openapi, and the check that holds a gateway response to it.
 * {@link Api} and {@link MvpdSignIn} run every response they receive from the gateway through
 * {@link #validateResponses}, so each integration test also checks that the document describes what
 * it got: a response whose status, headers or body the document does not describe fails the test's
 * request with an {@link AssertionError} naming the difference.
 *
 * <p>vertx-openapi 5.0 models only JSON, multipart, octet-stream and plain-text bodies, and refuses
 * a contract that names any other media type. The document also declares HTML pages (the browser
 * step), a form body (sessions), YAML (the document itself) and Prometheus text. So the whole
 * document is first validated against the OpenAPI 3.1 meta-schema as written; vertx-openapi then
 * gets a <em>view</em> without those media types, and for them this class checks the response's
 * media type against the document itself (their bodies have no schema beyond "a string").
 */
public final class ApiContract {
  /** The document as packaged on the class path, from docs/openapi.yaml (the pom's resources). */
  public static final String RESOURCE = "openapi.yaml";

  /**
   * Statuses the gateway answers outside any documented operation: unknown paths, other methods,
   * refusals before routing.
   */
  private static final Set<Integer> OUTSIDE_OPERATIONS = Set.of(400, 404, 405, 408, 414, 431, 505);

  private static volatile ApiContract loaded;

  /**
   * Loads and resolves the contract; kept open for the JVM, since tests close their own Vert.x
   * instances.
   */
  private static Vertx loader;

  private static final SimpleTransformer HEADERS = new SimpleTransformer();

  private final JsonObject document;
  private final OpenAPIContract contract;

  /**
   * Built once per schema object of the contract: building a validator costs far more than running
   * it.
   */
  private final Map<JsonSchema, Validator> validators =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  private ApiContract(JsonObject document, OpenAPIContract contract) {
    this.document = document;
    this.contract = contract;
  }

  /**
   * The contract, loaded once per JVM; fails when the document is not a valid OpenAPI 3.1 document.
   */
  public static ApiContract get() {
    ApiContract contract = loaded;
    if (contract != null) return contract;
    synchronized (ApiContract.class) {
      if (loaded == null) {
        if (loader == null) loader = Vertx.vertx();
        try {
          loaded =
              load(loader, readDocument())
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("docs/openapi.yaml: " + e.getMessage(), e);
        }
      }
      return loaded;
    }
  }

  /**
   * The whole document as written, validated against the OpenAPI 3.1 meta-schema, then the
   * vertx-openapi view of it.
   */
  public static Future<ApiContract> load(Vertx vertx, JsonObject document) {
    if (OpenAPIVersion.fromContract(document) != OpenAPIVersion.V3_1) {
      return Future.failedFuture(
          new IllegalStateException(
              "not an OpenAPI 3.1 document: openapi " + document.getValue("openapi")));
    }
    return OpenAPIVersion.V3_1
        .getRepository(vertx, "app:///")
        .compose(repository -> OpenAPIVersion.V3_1.validateContract(vertx, repository, document))
        .compose(
            result ->
                result.getValid()
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        new IllegalStateException(
                            "not a valid OpenAPI 3.1 document: " + errors(result))))
        .compose(valid -> OpenAPIContract.from(vertx, view(document)))
        .map(contract -> new ApiContract(document, contract));
  }

  public static JsonObject readDocument() {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException(RESOURCE + " is not on the class path");
      @SuppressWarnings("unchecked")
      Map<String, Object> tree = new ObjectMapper(new YAMLFactory()).readValue(in, Map.class);
      return new JsonObject(tree);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public JsonObject document() {
    return document;
  }

  public OpenAPIContract contract() {
    return contract;
  }

  /**
   * Makes {@code client} check every response from the gateway on {@code port} against the
   * document.
   */
  public static void validateResponses(WebClient client, int port) {
    ApiContract contract = get();
    Handler<HttpContext<?>> interceptor =
        ctx -> {
          if (ctx.phase() != ClientPhase.DISPATCH_RESPONSE || ctx.request().port() != port) {
            ctx.next();
            return;
          }
          HttpResponse<?> response = ctx.response();
          Object body = response.body();
          Buffer bytes =
              body == null
                  ? null
                  : body instanceof Buffer b
                      ? b
                      : body instanceof JsonObject json
                          ? json.toBuffer()
                          : body instanceof JsonArray array ? array.toBuffer() : null;
          if (body != null && bytes == null) {
            // A streamed body (BodyCodec.pipe and the like) is not held here to check.
            ctx.next();
            return;
          }
          String problem =
              contract.problem(
                  ctx.request().method(),
                  ctx.request().uri(),
                  response.statusCode(),
                  response.headers(),
                  bytes);
          if (problem == null) ctx.next();
          else
            ctx.fail(new AssertionError("response does not match docs/openapi.yaml: " + problem));
        };
    ((WebClientInternal) client).addInterceptor(interceptor);
  }

  /**
   * What is wrong with one response, or null: its status must be documented for the operation, its
   * declared headers present and valid, its media type one the document declares, and a JSON body
   * valid against the schema. A response outside every operation (unknown path, other method) must
   * be one of the path-independent errors the document's description lists.
   *
   * <p>These are the steps of vertx-openapi's {@code ResponseValidator} (the same contract model,
   * parameter transformer and JSON Schema validators), run in place: the {@code ResponseValidator}
   * runs them on a worker thread, and on a loaded two-core machine that hop added a quarter of a
   * second to responses that {@code RedisRestartTest} times. {@code OpenApiContractTest} checks
   * that both give the same verdicts.
   */
  public String problem(HttpMethod method, String uri, int status, MultiMap headers, Buffer body) {
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    Operation operation = contract.findOperation(path, method);
    if (operation == null && path.length() > 1 && path.endsWith("/"))
      operation = contract.findOperation(path.substring(0, path.length() - 1), method);
    if (operation == null) {
      return OUTSIDE_OPERATIONS.contains(status)
          ? null
          : method
              + " "
              + path
              + " answered "
              + status
              + " but no operation of the document matches it";
    }
    String where = operation.getOperationId() + " (" + method + " " + path + ") " + status;
    Response response =
        operation.getResponse(status) != null
            ? operation.getResponse(status)
            : operation.getDefaultResponse();
    // The management port serves /metrics alone: there every other documented path is unknown
    // (404).
    if (response == null && status == 404) return null;
    if (response == null) return where + ": status not documented for this operation";
    Set<String> declared = declaredMediaTypes(operation, status);
    String actual = essence(headers.get("Content-Type"));
    boolean hasBody = body != null && body.length() > 0;
    if (declared.isEmpty() && hasBody)
      return where + ": a body (" + actual + ") where the document declares none";
    if (!declared.isEmpty() && !declared.contains(actual))
      return where + ": media type " + actual + ", the document declares " + declared;
    for (Parameter header : response.getHeaders()) {
      String value = headers.get(header.getName());
      if (value == null) {
        if (header.isRequired()) return where + ": header " + header.getName() + " missing";
        continue;
      }
      // vertx-openapi reads a header value as JSON first and cannot read a bare string holding a
      // quote (WWW-Authenticate: Bearer error="invalid_token"), so string values are given as JSON
      // strings.
      String raw = header.getSchemaType() == SchemaType.STRING ? Json.encode(value) : value;
      Object transformed;
      try {
        transformed = HEADERS.transform(header, raw);
      } catch (RuntimeException e) {
        return where + ": header " + header.getName() + ": " + e.getMessage();
      }
      String invalid = invalid(header.getSchema(), transformed);
      if (invalid != null)
        return where + ": header " + header.getName() + " " + value + ": " + invalid;
    }
    MediaType mediaType = response.getContent().get(actual);
    if (mediaType == null) return null;
    if (!hasBody) return where + ": no body where the document declares " + actual;
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (RuntimeException e) {
      return where + ": body is not JSON: " + body;
    }
    String invalid = invalid(mediaType.getSchema(), json);
    return invalid == null ? null : where + ": body " + invalid + "\n" + body;
  }

  /**
   * The same check through vertx-openapi's own {@code ResponseValidator}, for comparing verdicts.
   */
  public Future<Void> checkWithResponseValidator(
      ResponseValidator validator,
      HttpMethod method,
      String uri,
      int status,
      MultiMap headers,
      Buffer body) {
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    Operation operation = contract.findOperation(path, method);
    if (operation == null)
      return Future.failedFuture("no operation matches " + method + " " + path);
    Response response =
        operation.getResponse(status) != null
            ? operation.getResponse(status)
            : operation.getDefaultResponse();
    Map<String, String> declaredHeaders = new HashMap<>();
    if (response != null) {
      for (Parameter header : response.getHeaders()) {
        String value = headers.get(header.getName());
        if (value != null)
          declaredHeaders.put(
              header.getName(),
              header.getSchemaType() == SchemaType.STRING ? Json.encode(value) : value);
      }
    }
    String actual = essence(headers.get("Content-Type"));
    ValidatableResponse validatable =
        response != null && response.getContent().containsKey(actual)
            ? ValidatableResponse.create(status, declaredHeaders, body, actual)
            : ValidatableResponse.create(status, declaredHeaders);
    return validator.validate(validatable, operation.getOperationId()).mapEmpty();
  }

  private String invalid(JsonSchema schema, Object value) {
    Validator validator =
        validators.computeIfAbsent(schema, s -> contract.getSchemaRepository().validator(s));
    OutputUnit result = validator.validate(value);
    if (Boolean.TRUE.equals(result.getValid())) return null;
    return errors(result);
  }

  /** The media types the document as written declares for a response, without parameters. */
  private Set<String> declaredMediaTypes(Operation operation, int status) {
    JsonObject responses =
        document
            .getJsonObject("paths")
            .getJsonObject(operation.getOpenAPIPath())
            .getJsonObject(operation.getHttpMethod().name().toLowerCase(Locale.ROOT))
            .getJsonObject("responses");
    JsonObject response =
        resolve(
            responses.containsKey(String.valueOf(status))
                ? responses.getJsonObject(String.valueOf(status))
                : responses.getJsonObject("default"));
    Set<String> types = new LinkedHashSet<>();
    JsonObject content = response == null ? null : response.getJsonObject("content");
    if (content != null) for (String type : content.fieldNames()) types.add(essence(type));
    return types;
  }

  private JsonObject resolve(JsonObject node) {
    while (node != null && node.containsKey("$ref")) {
      JsonObject target = document;
      for (String step : node.getString("$ref").substring(2).split("/"))
        target = target.getJsonObject(step);
      node = target;
    }
    return node;
  }

  /** {@code application/json;charset=UTF-8} → {@code application/json}. */
  static String essence(String contentType) {
    if (contentType == null) return null;
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  /**
   * The document without the media types vertx-openapi cannot model: they are dropped from every
   * response and request body, and a request body left with none is dropped from its operation
   * (requests are not validated here). Responses keep their statuses and headers.
   */
  static JsonObject view(JsonObject document) {
    JsonObject view = document.copy();
    JsonObject components = view.getJsonObject("components", new JsonObject());
    JsonObject requestBodies = components.getJsonObject("requestBodies", new JsonObject());
    for (String name : new ArrayList<>(requestBodies.fieldNames())) {
      if (supportedOnly(requestBodies.getJsonObject(name))) requestBodies.remove(name);
    }
    for (JsonObject response : objects(components.getJsonObject("responses")))
      supportedOnly(response);
    for (JsonObject pathItem : objects(view.getJsonObject("paths"))) {
      for (String method : pathItem.fieldNames()) {
        if (!(pathItem.getValue(method) instanceof JsonObject operation)) continue;
        JsonObject body = operation.getJsonObject("requestBody");
        if (body != null
            && (body.containsKey("$ref")
                ? !requestBodies.containsKey(last(body.getString("$ref")))
                : supportedOnly(body))) {
          operation.remove("requestBody");
        }
        for (JsonObject response : objects(operation.getJsonObject("responses")))
          supportedOnly(response);
      }
    }
    return view;
  }

  /** Drops the unsupported media types of a response or request body; true when none is left. */
  private static boolean supportedOnly(JsonObject holder) {
    JsonObject content = holder.getJsonObject("content");
    if (content == null) return true;
    for (String type : new ArrayList<>(content.fieldNames()))
      if (!MediaType.isMediaTypeSupported(type)) content.remove(type);
    if (!content.isEmpty()) return false;
    holder.remove("content");
    return true;
  }

  private static List<JsonObject> objects(JsonObject map) {
    List<JsonObject> out = new ArrayList<>();
    if (map != null)
      for (String key : map.fieldNames()) if (map.getValue(key) instanceof JsonObject o) out.add(o);
    return out;
  }

  private static String last(String ref) {
    return ref.substring(ref.lastIndexOf('/') + 1);
  }

  private static String errors(OutputUnit result) {
    List<String> out = new ArrayList<>();
    if (result.getErrors() != null)
      for (OutputUnit e : result.getErrors())
        out.add(e.getInstanceLocation() + ": " + e.getError());
    return out.isEmpty() ? result.toString() : String.join("; ", out);
  }
}

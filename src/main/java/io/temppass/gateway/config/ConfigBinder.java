package io.temppass.gateway.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.CollectionType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.VertxModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Binds the configuration tree into {@link GatewayConfig} with Jackson: unknown keys refused (with
 * the nearest valid name), types checked, durations read by {@link Durations}, {@code file:} values
 * read, and the defaults of {@code defaults.yaml} filled in first.
 *
 * <p>Jackson stops at the first error, and the contract of {@code --check-config} is every error at
 * once. So a failed bind is recorded (the exception carries the setting's path), the bad value is
 * replaced by its default (or removed when it has none; a bad list item becomes null), and the tree
 * is bound again, until it binds. Example: {@code server.port: many} and {@code throtle:} in one
 * file give two binds that fail and a third that succeeds, and two lines of output. That loop and
 * the messages in the operator's words are the only hand-written part.
 */
final class ConfigBinder {
  private static final String FILES = "files";
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .addModule(new VertxModule())
          .addModule(
              new SimpleModule()
                  .addDeserializer(Duration.class, new DurationSetting())
                  .setDeserializerModifier(
                      new BeanDeserializerModifier() {
                        @Override
                        public JsonDeserializer<?> modifyCollectionDeserializer(
                            DeserializationConfig config,
                            CollectionType type,
                            BeanDescription bean,
                            JsonDeserializer<?> d) {
                          return type.getContentType().hasRawClass(String.class)
                              ? new CommaSeparated(d)
                              : d;
                        }
                      }))
          .build();
  private static final ObjectNode DEFAULTS = defaults();

  static {
    // An absent list or map is empty, never null.
    for (Class<?> type : List.of(List.class, Map.class))
      MAPPER.configOverride(type).setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY));
  }

  private ConfigBinder() {}

  /**
   * The configuration tree, defaults filled in, bound into the records; every binding problem is
   * added to {@code problems}. {@code files} reads the {@code file:} values.
   */
  static GatewayConfig bind(JsonObject tree, Function<String, String> files, Problems problems) {
    ObjectNode node = MAPPER.valueToTree(tree);
    fill(node, DEFAULTS, true);
    for (int pass = 0; pass < 1_000; pass++) {
      try {
        return MAPPER.readerFor(GatewayConfig.class).withAttribute(FILES, files).readValue(node);
      } catch (JsonMappingException e) {
        problems.add(path(e.getPath()), message(e, node));
        if (!neutralise(node, e.getPath())) return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return null;
  }

  /**
   * The configuration tree as Jackson nodes, for the checks that depend on which keys were written.
   */
  static ObjectNode nodes(JsonObject tree) {
    return MAPPER.valueToTree(tree);
  }

  /**
   * Fills what the configuration leaves out. A list in the defaults holds one item: the defaults of
   * every item of that list. An object of the defaults is created only at the top level (a
   * section); deeper, it fills an object the configuration has (an integration's optional login,
   * authorization).
   */
  private static void fill(ObjectNode target, ObjectNode defaults, boolean top) {
    defaults
        .fields()
        .forEachRemaining(
            d -> {
              JsonNode mine = target.get(d.getKey());
              JsonNode value = d.getValue();
              if (value.isArray()) {
                if (mine != null && mine.isArray())
                  mine.forEach(item -> fillObject(item, value.get(0)));
              } else if (value.isObject()) {
                if ((mine == null || mine.isNull()) && top) mine = target.putObject(d.getKey());
                fillObject(mine, value);
              } else if (mine == null || mine.isNull()) {
                target.set(d.getKey(), value.deepCopy());
              }
            });
  }

  private static void fillObject(JsonNode target, JsonNode defaults) {
    if (target != null && target.isObject())
      fill((ObjectNode) target, (ObjectNode) defaults, false);
  }

  /**
   * Removes the value that failed (a list item becomes null, so the other items keep their indexes)
   * and fills the defaults in again, so that its default stands in; false when nothing is left to
   * remove.
   */
  private static boolean neutralise(ObjectNode root, List<JsonMappingException.Reference> path) {
    if (path.isEmpty()) return false;
    JsonNode parent = root;
    for (JsonMappingException.Reference ref : path.subList(0, path.size() - 1)) {
      parent =
          ref.getFieldName() != null
              ? parent.path(ref.getFieldName())
              : parent.path(ref.getIndex());
    }
    JsonMappingException.Reference last = path.get(path.size() - 1);
    boolean removed =
        parent instanceof ObjectNode object
            && last.getFieldName() != null
            && object.remove(last.getFieldName()) != null;
    if (!removed
        && parent instanceof ArrayNode array
        && last.getIndex() >= 0
        && !array.path(last.getIndex()).isNull()) {
      removed = array.set(last.getIndex(), NullNode.getInstance()) != null;
    }
    fill(root, DEFAULTS, true);
    return removed;
  }

  /** {@code integrations[0].ttl}, as every message names a setting. */
  private static String path(List<JsonMappingException.Reference> path) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference ref : path) {
      if (ref.getFieldName() != null) {
        out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        out.append('[').append(ref.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  /** What the operator needs to read: what was expected and what was written, never a Java type. */
  private static String message(JsonMappingException e, ObjectNode root) {
    if (e instanceof UnrecognizedPropertyException u) {
      String nearest =
          nearest(
              u.getPropertyName(), u.getKnownPropertyIds().stream().map(String::valueOf).toList());
      return "unknown setting" + (nearest == null ? "" : "; did you mean " + nearest + "?");
    }
    if (e instanceof Invalid) return e.getOriginalMessage();
    Class<?> type =
        e instanceof MismatchedInputException m && m.getTargetType() != null
            ? m.getTargetType()
            : Object.class;
    if (e.getCause() instanceof InputCoercionException) return "is out of range" + gotText(e, root);
    String got = gotText(e, root);
    if (type == int.class || type == Integer.class) return "must be an integer" + got;
    if (type == double.class || type == Double.class) return "must be a number" + got;
    if (type == boolean.class || type == Boolean.class) return "must be true or false" + got;
    if (type.isEnum()) {
      String names =
          Arrays.stream(type.getEnumConstants())
              .map(c -> MAPPER.convertValue(c, String.class))
              .collect(Collectors.joining(", "));
      return "must be one of " + names + got;
    }
    if (type == String.class) return "must be a string";
    if (Collection.class.isAssignableFrom(type)) return "must be a list";
    if (Map.class.isAssignableFrom(type)) return "must be a mapping of names to lists";
    return "must be an object";
  }

  /** {@code , got '…'}: the value as written at the failed path. */
  private static String gotText(JsonMappingException e, ObjectNode root) {
    JsonNode written = root;
    for (JsonMappingException.Reference ref : e.getPath()) {
      written =
          ref.getFieldName() != null
              ? written.path(ref.getFieldName())
              : written.path(ref.getIndex());
    }
    return written.isValueNode() ? ", got '" + written.asText() + "'" : ", got " + written;
  }

  /**
   * The known name closest to a misspelt one (edit distance, ignoring case), or null when none is
   * close.
   */
  static String nearest(String wrong, Iterable<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String w = wrong.toLowerCase(Locale.ROOT);
    for (String k : known) {
      int d = distance(w, k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    // A suggestion further than about a third of the name away would be a guess, not a correction.
    return best != null && bestDistance <= Math.max(2, wrong.length() / 3) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) previous[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static ObjectNode defaults() {
    try (InputStream in = ConfigBinder.class.getResourceAsStream("defaults.yaml")) {
      return (ObjectNode) new YAMLMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A problem whose message is already in the operator's words. */
  static final class Invalid extends JsonMappingException {
    Invalid(JsonParser p, String problem) {
      super(p, problem);
    }
  }

  /**
   * A duration setting, as {@link Durations} reads it (a unit required, no negatives, at most
   * 400d).
   */
  private static final class DurationSetting extends StdScalarDeserializer<Duration> {
    DurationSetting() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      try {
        return Durations.parse(
            p.currentToken().isNumeric()
                ? p.getNumberValue()
                : p.getValueAsString(p.currentToken().isStructStart() ? "" : null));
      } catch (IllegalArgumentException e) {
        throw new Invalid(p, e.getMessage());
      }
    }
  }

  /**
   * A list of strings written as one string (as an environment variable gives it): comma-separated
   * items.
   */
  private static final class CommaSeparated extends DelegatingDeserializer {
    CommaSeparated(JsonDeserializer<?> list) {
      super(list);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> list) {
      return new CommaSeparated(list);
    }

    /**
     * The items go through the list's own deserializer as if written as a list, so each is still
     * read the way its setting says (a {@code file:} item is read from its file).
     */
    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING)) return super.deserialize(p, ctxt);
      ArrayNode items = JsonNodeFactory.instance.arrayNode();
      Arrays.stream(p.getText().split(","))
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .forEach(items::add);
      try (JsonParser list = MAPPER.treeAsTokens(items)) {
        list.nextToken();
        return super.deserialize(list, ctxt);
      }
    }
  }

  /**
   * A secret or key given inline, or as {@code file:/path} (for Kubernetes Secret volumes); the
   * error never shows the content.
   */
  static final class FileSetting extends StdScalarDeserializer<String> {
    FileSetting() {
      super(String.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String value = StringDeserializer.instance.deserialize(p, ctxt);
      if (value == null || !value.startsWith("file:")) return value;
      try {
        return ((Function<String, String>) ctxt.getAttribute(FILES)).apply(value.substring(5));
      } catch (RuntimeException e) {
        throw new Invalid(p, "cannot read " + value.substring(5) + ": " + e.getMessage());
      }
    }
  }
}

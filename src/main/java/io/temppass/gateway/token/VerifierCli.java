package io.temppass.gateway.token;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line verifier so operators and integrators can check a token against the published JWKS
 * without writing code. The main class of the media-token verifier jar, so it needs nothing beyond
 * the JDK and Nimbus JOSE+JWT.
 *
 * <p>Prints the status name on the first line and, once the signature is trusted, the claims as
 * JSON on the second. Exit codes: 0 valid, 1 token rejected, 2 the check could not run (bad
 * arguments or unreadable JWKS), so scripts can tell a bad token from a broken invocation.
 */
public final class VerifierCli {

  static final String USAGE =
      "usage: java -jar temppass-media-token-verifier.jar"
          + " --jwks <file-or-http(s)-url> --requestor <id> [--resource <id>] <serializedToken>";

  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);

  private VerifierCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, Clock.systemUTC());
  }

  static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
    Arguments arguments;
    try {
      arguments = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return 2;
    }
    MediaTokenVerifier verifier;
    try {
      verifier = new MediaTokenVerifier(JWKSet.parse(readJwks(arguments.jwks())), clock);
    } catch (IOException | ParseException | RuntimeException e) {
      err.println("cannot load JWKS from " + arguments.jwks() + ": " + e.getMessage());
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("interrupted while loading JWKS");
      return 2;
    }
    MediaTokenVerifier.Result result =
        verifier.verify(arguments.token(), arguments.requestor(), arguments.resource());
    out.println(result.status().name());
    if (result.claimsOrNull() != null) {
      out.println(JSONObjectUtils.toJSONString(toJson(result.claimsOrNull())));
    }
    if (!result.isValid()) {
      err.println(result.detail());
    }
    return result.isValid() ? 0 : 1;
  }

  private static String readJwks(String location) throws IOException, InterruptedException {
    if (!location.startsWith("http://") && !location.startsWith("https://")) {
      return Files.readString(Path.of(location), StandardCharsets.UTF_8);
    }
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(HTTP_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(location)).timeout(HTTP_TIMEOUT).GET().build();
    HttpResponse<String> response =
        client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode());
    }
    return response.body();
  }

  /** The claims as a JSON object whose names are the record's, in its order. */
  private static Map<String, Object> toJson(MediaTokenClaims claims) {
    Map<String, Object> json = new LinkedHashMap<>();
    try {
      for (RecordComponent c : MediaTokenClaims.class.getRecordComponents())
        json.put(c.getName(), c.getAccessor().invoke(claims));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    return json;
  }

  private record Arguments(String jwks, String requestor, String resource, String token) {

    static Arguments parse(String[] args) {
      String jwks = null;
      String requestor = null;
      String resource = null;
      String token = null;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--jwks" -> jwks = value(args, ++i, arg);
          case "--requestor" -> requestor = value(args, ++i, arg);
          case "--resource" -> resource = value(args, ++i, arg);
          default -> {
            if (arg.startsWith("--")) {
              throw new IllegalArgumentException("unknown option " + arg);
            }
            if (token != null) {
              throw new IllegalArgumentException("only one token may be given");
            }
            token = arg;
          }
        }
      }
      if (jwks == null || requestor == null || token == null) {
        throw new IllegalArgumentException("--jwks, --requestor and a token are required");
      }
      return new Arguments(jwks, requestor, resource, token);
    }

    private static String value(String[] args, int index, String option) {
      if (index >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[index];
    }
  }
}

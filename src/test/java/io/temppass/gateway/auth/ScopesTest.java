package io.temppass.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScopesTest {

  /**
   * {@code scopes} as a string is a list of whole words separated by spaces or commas (any run of
   * them); a scope is granted only by an equal word. Caught when the word scan matched a prefix
   * ({@code api:client:v2} inside {@code api:client:v2x}) and when it ignored commas.
   */
  @Test
  void a_scope_is_a_whole_word_of_the_list() {
    String scope = "api:client:v2";
    for (String granted :
        List.of(
            "api:client:v2",
            "openid api:client:v2",
            "api:client:v2 openid",
            "openid,api:client:v2",
            " ,api:client:v2, ",
            "a  b,,api:client:v2")) {
      assertEquals(
          true,
          AccessTokenVerifier.hasScope(new JsonObject().put("scopes", granted), scope),
          granted);
    }
    for (String refused :
        List.of(
            "",
            " ",
            "api:client:v2x",
            "xapi:client:v2",
            "api:client:v1 api:client",
            "api:client:v2;openid",
            "API:CLIENT:V2")) {
      assertEquals(
          false,
          AccessTokenVerifier.hasScope(new JsonObject().put("scopes", refused), scope),
          refused);
    }
    assertEquals(
        true,
        AccessTokenVerifier.hasScope(
            new JsonObject().put("scopes", new JsonArray().add("openid").add(scope)), scope));
    assertEquals(false, AccessTokenVerifier.hasScope(new JsonObject().put("scopes", 42), scope));
    assertEquals(false, AccessTokenVerifier.hasScope(new JsonObject(), scope));
  }

  /**
   * RFC 9068's {@code scope} claim (one string, space-separated) grants a scope as Adobe's {@code
   * scopes} does; a scope claim of the wrong type is refused with a reason, even when the other
   * claim would grant the scope. Caught when only {@code scopes} was read: a standard token got
   * 401.
   */
  @Test
  void the_standard_scope_claim_grants_and_a_wrong_type_is_refused() {
    String scope = "api:client:v2";
    assertEquals(
        true,
        AccessTokenVerifier.hasScope(new JsonObject().put("scope", "openid " + scope), scope));
    assertEquals(
        false,
        AccessTokenVerifier.hasScope(new JsonObject().put("scope", "openid," + scope), scope),
        "RFC 6749 separates scopes by spaces only");
    assertEquals(
        "the scope claim must be a string of space-separated scopes (RFC 9068), got an array",
        AccessTokenVerifier.scopeProblem(
            new JsonObject().put("scope", new JsonArray().add(scope)).put("scopes", scope), scope));
    assertEquals(
        "the scopes claim must be a string or an array of strings, got a number",
        AccessTokenVerifier.scopeProblem(
            new JsonObject().put("scopes", 7).put("scope", scope), scope));
    assertEquals(
        "the token has no scope or scopes claim; it needs the scope 'api:client:v2'",
        AccessTokenVerifier.scopeProblem(new JsonObject(), scope));
  }
}

package io.temppass.gateway.mvpd;

import io.temppass.gateway.error.ErrorCode;
import io.temppass.gateway.tracing.Spans;
import io.temppass.gateway.xml.SigningCredential;
import io.temppass.gateway.xml.XmlRejected;
import io.temppass.gateway.xml.XmlSignatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * Adobe's XACML authorization (integration digest §4) as an {@link MvpdAuthorizer}: an {@link
 * XacmlQuery} POSTed as SOAP 1.1 to the MVPD's policy decision point, the answer read capped
 * ({@link CappedBody}) and by {@link XacmlAnswer}. Failures are classified as the JSON connector
 * classifies them: no connection or no answer in time is {@code network_connection_timeout}; an
 * error status or an answer that is not a clear, (when required) signed decision is {@code
 * network_received_error}.
 *
 * <p>A resource id that is not MRSS where it looks like XML is not sent: it is denied with a
 * message saying why, without calling the MVPD (and without counting against its breaker).
 */
public final class XacmlAuthorizer implements MvpdAuthorizer {
  private final Vertx vertx;
  private final WebClient web;
  private final String url;
  private final String issuer;
  private final SigningCredential signer;
  private final XmlSignatures.Policy answerPolicy;
  private final long readTimeoutMillis;

  /**
   * @param issuer the query's {@code saml:Issuer}
   * @param signer the gateway's key, or null to send queries unsigned
   * @param answerPolicy the MVPD's certificates, or null when its answers are not signed
   */
  public XacmlAuthorizer(
      Vertx vertx,
      WebClient web,
      String url,
      String issuer,
      SigningCredential signer,
      XmlSignatures.Policy answerPolicy,
      long readTimeoutMillis) {
    this.vertx = vertx;
    this.web = web;
    this.url = url;
    this.issuer = issuer;
    this.signer = signer;
    this.answerPolicy = answerPolicy;
    this.readTimeoutMillis = readTimeoutMillis;
  }

  @Override
  public Future<Verdict> authorize(
      String userId, String resource, String clientIp, String requestor) {
    return authorizeAll(userId, List.of(resource), clientIp, requestor).map(all -> all.get(0));
  }

  @Override
  public Future<List<Verdict>> authorizeAll(
      String userId, List<String> resources, String clientIp, String requestor) {
    Verdict[] verdicts = new Verdict[resources.size()];
    List<Integer> asked = new ArrayList<>();
    List<Map<String, String>> attributes = new ArrayList<>();
    List<String> resourceIds = new ArrayList<>();
    for (int i = 0; i < resources.size(); i++) {
      Map<String, String> a;
      try {
        a = MrssResource.attributesOf(resources.get(i));
      } catch (XmlRejected e) {
        verdicts[i] =
            new Verdict(false, false, "The resource is not valid MRSS: " + e.getMessage(), -1);
        continue;
      }
      asked.add(i);
      attributes.add(a);
      resourceIds.add(a.get(MrssResource.RESOURCE_ID));
    }
    if (asked.isEmpty()) return Future.succeededFuture(List.of(verdicts));
    if (asked.size() > 1 && new HashSet<>(resourceIds).size() < resourceIds.size()) {
      // Two resources with one resource-id (two MRSS items of one GUID) cannot be told apart in
      // one answer: each is asked on its own.
      return MvpdAuthorizer.super.authorizeAll(userId, resources, clientIp, requestor);
    }
    String queryId = "_" + Randoms.token(16);
    // Signing the query (RSA, about a millisecond) and parsing and verifying the answer run on a
    // worker thread, as the SAML sign-in's validation does, not on the event loop that serves
    // other requests meanwhile.
    return vertx
        .executeBlocking(
            () -> XacmlQuery.build(queryId, issuer, userId, attributes, clientIp, signer), false)
        .compose(
            query ->
                Spans.around(
                        "mvpd authorization",
                        () ->
                            web.postAbs(url)
                                .idleTimeout(readTimeoutMillis)
                                .as(CappedBody.MVPD_ANSWER)
                                .putHeader("Content-Type", "text/xml; charset=utf-8")
                                .putHeader("Accept", "text/xml")
                                .putHeader("SOAPAction", "\"\"")
                                .sendBuffer(Buffer.buffer(query)))
                    .transform(
                        ar ->
                            ar.failed()
                                ? Future.failedFuture(JsonAuthorizer.classify(ar.cause()))
                                : Future.succeededFuture(ar.result())))
        .compose(
            response -> vertx.executeBlocking(() -> read(response, queryId, resourceIds), false))
        .map(
            answered -> {
              for (int k = 0; k < asked.size(); k++) verdicts[asked.get(k)] = answered.get(k);
              return List.of(verdicts);
            });
  }

  private List<Verdict> read(
      HttpResponse<Buffer> response, String queryId, List<String> resourceIds) {
    if (response.statusCode() / 100 != 2)
      throw new MvpdCallException(
          ErrorCode.NETWORK_RECEIVED_ERROR, "MVPD answered HTTP " + response.statusCode());
    Buffer body = response.body();
    if (body == null || body.length() == 0)
      throw new MvpdCallException(ErrorCode.NETWORK_RECEIVED_ERROR, "MVPD answer is empty");
    try {
      return XacmlAnswer.read(
          body.getBytes(), queryId, resourceIds, answerPolicy, System.currentTimeMillis());
    } catch (XmlRejected e) {
      throw new MvpdCallException(
          ErrorCode.NETWORK_RECEIVED_ERROR, "MVPD answer refused: " + e.getMessage());
    }
  }
}

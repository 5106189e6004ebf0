import io.temppass.gateway.bus.Messages.SignRequest;
import io.temppass.gateway.bus.Messages.SignedTokens;
import io.temppass.gateway.bus.TokenApi;
import io.vertx.core.Future;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the generic event-bus sides (`bus/BusCalls`) add to a service call over hand-written ones,
 * the bus request itself left out (it is the same either way): the sending side's `Proxy` dispatch
 * (an argument array and a look-up of the call by its `Method`), and the answering side's
 * `Method.invoke` of the service. Each is timed against a direct call of the same interface method.
 * Run from the repository root after `mvn -q -DskipTests package`:
 *
 * <p>java -cp target/temppass-gateway.jar load-tests/bus/DispatchCost.java
 *
 * <p>20 million calls per line, five rounds; read the last rounds (the first includes JIT warm-up).
 */
public class DispatchCost {
  public static void main(String[] args) throws Exception {
    Future<SignedTokens> done = Future.succeededFuture(new SignedTokens(List.of()));
    Function<SignRequest, Future<SignedTokens>> call = request -> done;
    TokenApi direct =
        new TokenApi() {
          @Override
          public Future<SignedTokens> sign(SignRequest request) {
            return call.apply(request);
          }
        };
    Map<Method, Function<SignRequest, Future<SignedTokens>>> calls = new HashMap<>();
    for (Method m : TokenApi.class.getMethods()) {
      if (Modifier.isAbstract(m.getModifiers())) calls.put(m, call);
    }
    TokenApi proxy =
        (TokenApi)
            Proxy.newProxyInstance(
                TokenApi.class.getClassLoader(),
                new Class<?>[] {TokenApi.class},
                (self, m, a) -> calls.get(m).apply((SignRequest) a[0]));
    Method sign = TokenApi.class.getMethod("sign", SignRequest.class);
    long n = 20_000_000;
    for (int round = 1; round <= 5; round++) {
      long sink = 0;
      long t = System.nanoTime();
      for (long i = 0; i < n; i++) sink += System.identityHashCode(direct.sign(null));
      double directNs = (System.nanoTime() - t) / (double) n;
      t = System.nanoTime();
      for (long i = 0; i < n; i++) sink += System.identityHashCode(proxy.sign(null));
      double proxyNs = (System.nanoTime() - t) / (double) n;
      t = System.nanoTime();
      for (long i = 0; i < n; i++)
        sink += System.identityHashCode(sign.invoke(direct, (Object) null));
      double invokeNs = (System.nanoTime() - t) / (double) n;
      System.out.printf(
          "round %d: direct %.1f ns, proxy %.1f ns, Method.invoke %.1f ns per call (%d)%n",
          round, directNs, proxyNs, invokeNs, sink & 1);
    }
  }
}

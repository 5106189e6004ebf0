import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import io.temppass.gateway.token.MediaTokenClaims;
import io.temppass.gateway.token.MediaTokenKeys;
import io.temppass.gateway.token.MediaTokenSigner;
import io.temppass.gateway.token.SigningKey;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

/**
 * Cost of one media token with the default signer (Amazon Corretto Crypto Provider) as CPU time of
 * the signing thread, beside wall time. On a shared machine wall time mostly measures the other
 * processes; CPU time stays within a few per cent, so two builds can be compared in the same
 * minute. Uses only the public token API, so the same file runs against any build of the gateway
 * jar:
 *
 * <p>java -cp target/temppass-gateway.jar load-tests/signing/SigningCpuCost.java
 *
 * <p>Ten rounds of 20,000 tokens; the first three warm up, the median and minimum of the rest are
 * printed, and the heap the signing thread allocated per token (exact, from the JVM's per-thread
 * allocation counter, so independent of the machine's load), claims object included.
 */
public class SigningCpuCost {
  public static void main(String[] args) {
    AmazonCorrettoCryptoProvider corretto = AmazonCorrettoCryptoProvider.INSTANCE;
    MediaTokenSigner signer =
        new MediaTokenSigner(MediaTokenKeys.of(List.of(SigningKey.generate("bench"))), corretto);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    int n = 20_000;
    int rounds = 10;
    int warmUp = 3;
    double[] cpu = new double[rounds - warmUp];
    double[] wall = new double[rounds - warmUp];
    double[] allocated = new double[rounds - warmUp];
    for (int round = 0; round < rounds; round++) {
      long allocatedStart = threads.getCurrentThreadAllocatedBytes();
      long cpuStart = threads.getCurrentThreadCpuTime();
      long wallStart = System.nanoTime();
      for (int i = 0; i < n; i++) {
        signer.sign(
            new MediaTokenClaims(
                "apasstest1", "TempPass_TEST40", "REF30", 1, 1, 2, "id-" + i, "device-hash"));
      }
      if (round >= warmUp) {
        cpu[round - warmUp] = (threads.getCurrentThreadCpuTime() - cpuStart) / 1000.0 / n;
        wall[round - warmUp] = (System.nanoTime() - wallStart) / 1000.0 / n;
        allocated[round - warmUp] =
            (threads.getCurrentThreadAllocatedBytes() - allocatedStart) / (double) n;
      }
    }
    Arrays.sort(cpu);
    Arrays.sort(wall);
    Arrays.sort(allocated);
    System.out.printf(
        "CPU provider=%s cpu_us min=%.2f median=%.2f | wall_us min=%.1f median=%.1f"
            + " | allocated_bytes_per_token median=%.0f%n",
        signer.signerProvider(),
        cpu[0],
        cpu[cpu.length / 2],
        wall[0],
        wall[wall.length / 2],
        allocated[allocated.length / 2]);
  }
}

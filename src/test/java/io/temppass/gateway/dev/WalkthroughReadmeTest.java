package io.temppass.gateway.dev;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's "Development walk-through" is what {@code --dev} prints, word for word, rendered
 * with the addresses of a default run. Caught breakage: the printed walk-through and the README's
 * drifting apart (as they had: the printed one merged two steps and dropped the last), or either
 * being edited alone.
 */
class WalkthroughReadmeTest {

  @Test
  void the_readme_shows_the_printed_walkthrough_word_for_word() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String printed =
        DevBanner.walkthrough(
            DevBanner.README_GATEWAY, DevBanner.README_MVPD, DevBanner.README_TOKEN);
    assertTrue(
        readme.contains("```sh\n" + printed + "```\n"),
        "README.md's walk-through block must be, line for line:\n" + printed);
  }

  /** Each step of the walk-through is numbered once, in order, and nothing is left unfilled. */
  @Test
  void the_printed_walkthrough_numbers_every_step_and_fills_every_placeholder() {
    String printed = DevBanner.walkthrough("http://127.0.0.1:9", "http://127.0.0.1:10", "t");
    assertTrue(!printed.contains("{{"), printed);
    int step = 0;
    for (String line : printed.lines().toList()) {
      if (line.matches("# \\d+\\. .*")) {
        step++;
        assertTrue(line.startsWith("# " + step + ". "), "step " + step + ": " + line);
      }
    }
    assertTrue(step >= 6, "every step from the session to the missing profile:\n" + printed);
  }
}

package io.temppass.gateway.support;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium, headless, driven through Selenium by the browser tests. Started with a fresh
 * profile and without background networking, which this machine's closed network would refuse at
 * every start.
 */
public final class HeadlessChromium {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private HeadlessChromium() {}

  /**
   * Skips the calling test when Chromium or its driver is not installed; fails it under {@code
   * CI=true}, where {@code .ci/run} installs both.
   */
  public static void assumeInstalled() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && "true".equalsIgnoreCase(System.getenv("CI")))
      fail(
          "CI=true but "
              + CHROMIUM
              + " or "
              + CHROMEDRIVER
              + " is missing (.ci/run installs them)");
    assumeTrue(present, "chromium and chromium-driver are not installed");
  }

  /**
   * A browser whose profile and chromedriver log are under {@code dir}, with {@code extraArguments}
   * (a window size, say) after the usual ones.
   */
  public static WebDriver start(Path dir, String... extraArguments) throws IOException {
    assumeInstalled();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")));
    arguments.addAll(List.of(extraArguments));
    options.addArguments(arguments);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .withLogFile(dir.resolve("chromedriver.log").toFile())
            .build();
    return new ChromeDriver(service, options);
  }
}

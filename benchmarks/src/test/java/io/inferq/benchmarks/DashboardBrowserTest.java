package io.inferq.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.inferq.infra.local.LocalAws;
import io.inferq.tenant.ApiKey;
import io.inferq.tenant.ApiKeySecret;
import io.inferq.tenant.ApiKeyStore;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard in a real headless browser (Debian's Chromium through its chromedriver),
 * against the whole system on the stand-ins: the page asks for a key, refuses a bad one,
 * then shows the tenant's batches with their progress (and not another tenant's), a job's
 * timeline, and the operators' figures (queues, capacity, the last hour's charts). It
 * takes a screenshot: {@code target/dashboard.png}, or where
 * {@code -Dinferq.dashboard.screenshot} says (the README's {@code docs/dashboard.png}).
 * <p>
 * Skipped (a JUnit assumption) where Chromium or chromedriver is missing; {@code .ci/run}
 * installs both. About 20 s.
 */
class DashboardBrowserTest {

	private static final Path CHROMIUM = Path.of(System.getProperty("inferq.chromium", "/usr/bin/chromium"));

	private static final Path CHROMEDRIVER = Path
		.of(System.getProperty("inferq.chromedriver", "/usr/bin/chromedriver"));

	private static final Duration PAGE_WAIT = Duration.ofSeconds(20);

	private final LocalAws aws = LocalAws.shared();

	private LocalSystem system;

	private WebDriver browser;

	@BeforeEach
	void start() {
		assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
		String endpoint = Workloads.endpoint(this.aws, "dashboard", 2, Duration.ofMillis(50));
		this.system = LocalSystem.start(this.aws.springProperties(), endpoint, 2,
				Map.of("inferq.worker.stats-interval", "1s"));
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
				"--no-first-run", "--disable-extensions", "--window-size=1400,1250");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		this.browser = new ChromeDriver(service, options);
		this.browser.manage().window().setSize(new Dimension(1400, 1250));
	}

	@AfterEach
	void stop() {
		if (this.browser != null) {
			this.browser.quit();
		}
		if (this.system != null) {
			this.system.close();
		}
	}

	@Test
	void dashboard_shouldShowTheTenantsBatchesAJobsTimelineAndTheOperatorsFigures() throws IOException {
		JobsClient client = this.system.client();
		String batch = client.submitBatch(items(40)).json().get("id").asString();
		String failing = client.submit("{\"input\":{\"_emulator\":{\"error\":\"ModelError\",\"originalStatusCode\":400,"
				+ "\"message\":\"refused by the model\"}}}");
		String others = otherTenantsBatch();
		await().atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> client.getBatch(batch).get("status").asString().equals("COMPLETED")
					&& client.get(failing).get("status").asString().equals("FAILED"));

		this.browser.get(this.system.apiUrl() + "/dashboard");
		WebDriverWait wait = new WebDriverWait(this.browser, PAGE_WAIT);
		assertThat(element("api-key").isDisplayed()).as("asks for a key").isTrue();
		assertThat(element("board").isDisplayed()).isFalse();

		signIn("iq_not-a-key-at-all");
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key-error")));
		assertThat(element("key-error").getText()).contains("401");

		signIn(this.system.apiKey());
		WebElement row = wait
			.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-batch-id='" + batch + "']")));
		WebElement progress = row.findElement(By.tagName("progress"));
		assertThat(progress.getDomProperty("value")).isEqualTo("40");
		assertThat(progress.getDomProperty("max")).isEqualTo("40");
		assertThat(row.getText()).contains("COMPLETED", "40 / 40");
		assertThat(this.browser.findElements(By.cssSelector("tr[data-batch-id='" + others + "']")))
			.as("another tenant's batch")
			.isEmpty();

		element("job-id").sendKeys(failing);
		element("job-form").submit();
		wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("job")));
		List<String> timeline = this.browser.findElements(By.cssSelector("#timeline li"))
			.stream()
			.map(WebElement::getText)
			.toList();
		assertThat(timeline).hasSize(4);
		assertThat(timeline.get(0)).contains("created");
		assertThat(timeline.get(1)).contains("attempt 1 started");
		assertThat(timeline.get(2)).contains("attempt 1 failed", "ModelError", "refused by the model");
		assertThat(timeline.get(3)).contains("failed");
		assertThat(element("job-status").getText()).isEqualTo("FAILED");

		wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#queues tbody tr"), 2));
		assertThat(element("dlq-depth").getText()).isEqualTo("0");
		wait.until(ExpectedConditions
			.presenceOfElementLocated(By.cssSelector("#endpoints svg path[data-series='succeeded']")));
		assertThat(element("endpoints").getText()).contains("capacity ", "Jobs ended per minute", "Latency");
		element("job-id").clear();
		screenshot();
	}

	private void signIn(String key) {
		WebElement field = element("api-key");
		field.clear();
		field.sendKeys(key);
		element("key-form").submit();
	}

	private WebElement element(String id) {
		return this.browser.findElement(By.id(id));
	}

	/**
	 * A batch of a tenant of its own, which the default tenant's dashboard must not show.
	 */
	private String otherTenantsBatch() {
		ApiKeySecret secret = ApiKeySecret.generate();
		this.system.apiBean(ApiKeyStore.class)
			.create(ApiKey.of(secret, new TenantId("other-team"), "dashboard test", Instant.now(), null))
			.join();
		return new JobsClient(this.system.apiUrl(), secret.value()).submitBatch(items(3)).json().get("id").asString();
	}

	private void screenshot() throws IOException {
		File taken = ((TakesScreenshot) this.browser).getScreenshotAs(OutputType.FILE);
		Path target = Path.of(System.getProperty("inferq.dashboard.screenshot", "target/dashboard.png"));
		Files.createDirectories(target.toAbsolutePath().getParent());
		Files.copy(taken.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
	}

	private static String items(int count) {
		return IntStream.range(0, count)
			.mapToObj((n) -> "{\"customId\":\"item-" + n + "\",\"input\":{\"n\":" + n + "}}")
			.collect(Collectors.joining("\n"));
	}

}

package io.inferq.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.inferq.benchmarks.LocalSystem;
import io.inferq.infra.local.LocalAws;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code inferq keys} against the table of a running API on the stand-ins: a key it
 * creates is accepted as its tenant's, one it revokes is refused, and listing shows both
 * without the keys themselves.
 */
class KeysCommandEndToEndTest {

	private static LocalSystem system;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		LocalAws aws = LocalAws.shared();
		system = LocalSystem.startApi(aws.springProperties(), LocalAws.DEFAULT_ENDPOINT_NAME, 1, Map.of());
	}

	@AfterAll
	static void stop() {
		system.close();
	}

	@Test
	void create_printsAKeyAsTheLastLine_thatTheApiAcceptsAsTheTenants() throws Exception {
		Run created = keys("create", "--tenant", "acme", "--name", "nightly", "--max-queued-jobs", "500");

		assertThat(created.exitCode()).as(created.err()).isZero();
		List<String> lines = created.out().lines().toList();
		String key = lines.get(lines.size() - 1);
		assertThat(key).startsWith("iq_").hasSize(46);
		HttpResponse<String> submitted = submit(key);
		assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
		assertThat(submitted.headers().firstValue("RateLimit-Policy").orElseThrow()).contains("\"queued\";q=500");
		HttpResponse<String> asDefaultTenant = this.http.send(HttpRequest
			.newBuilder(URI
				.create(submitted.headers().firstValue("Location").map((path) -> system.apiUrl() + path).orElseThrow()))
			.header("Authorization", "Bearer " + system.apiKey())
			.GET()
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(asDefaultTenant.statusCode()).as("another tenant's job").isEqualTo(404);
	}

	@Test
	void revoke_makesTheApiRefuseTheKey_andListShowsIt() throws Exception {
		List<String> lines = keys("create", "--tenant", "globex").out().lines().toList();
		String key = lines.get(lines.size() - 1);
		String id = lines.get(0).split(" ")[3];

		Run revoked = keys("revoke", id);
		Run listed = keys("list", "--tenant", "globex");

		assertThat(revoked.exitCode()).as(revoked.err()).isZero();
		assertThat(revoked.out()).contains("Revoked API key " + id + " of tenant globex");
		assertThat(submit(key).statusCode()).isEqualTo(401);
		assertThat(listed.out()).contains(id, "globex").doesNotContain(key.substring(3));
		assertThat(listed.out().lines().filter((line) -> line.startsWith(id)).findFirst().orElseThrow())
			.doesNotContain("  -  ");
		assertThat(keys("revoke", "0000000000000000").exitCode()).isEqualTo(Inferq.REFUSED);
		assertThat(keys("create", "--tenant", "not#valid").exitCode()).isEqualTo(Inferq.REFUSED);
	}

	private HttpResponse<String> submit(String key) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(system.apiUrl() + "/v1/jobs"))
			.header("Authorization", "Bearer " + key)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"input\": 1}"))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static Run keys(String... args) {
		List<String> command = new ArrayList<>(List.of("keys", "--table", system.tableName(), "--dynamodb-endpoint",
				LocalAws.shared().dynamoDbEndpoint().toString()));
		command.addAll(List.of(args));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int exitCode = new Inferq(new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8))
			.run(command.toArray(String[]::new));
		return new Run(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	private record Run(int exitCode, String out, String err) {

	}

}

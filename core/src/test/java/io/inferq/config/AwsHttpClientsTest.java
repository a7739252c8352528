package io.inferq.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The apps' AWS HTTP client keeps a connection that was idle for longer than the Netty
 * client's own 5 s, where that default opens a new one: a local HTTP server answering
 * DynamoDB's {@code ListTables} tells the client port of each request. Budget: about 7 s.
 */
class AwsHttpClientsTest {

	private HttpServer server;

	private final List<String> callers = new CopyOnWriteArrayList<>();

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/", (exchange) -> {
			exchange.getRequestBody().readAllBytes();
			this.callers.add(exchange.getRequestHeaders().getFirst("User-Agent").contains("idle-test-kept") + " "
					+ exchange.getRemoteAddress().getPort());
			byte[] body = "{\"TableNames\":[]}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
	}

	@Test
	void aConnectionIdleForSixSeconds_shouldBeUsedAgain() throws InterruptedException {
		try (SdkAsyncHttpClient keptHttp = AwsHttpClients.netty().build();
				SdkAsyncHttpClient defaultHttp = NettyNioAsyncHttpClient.builder().build();
				DynamoDbAsyncClient kept = client(keptHttp, "idle-test-kept");
				DynamoDbAsyncClient nettyDefault = client(defaultHttp, "idle-test-default")) {
			kept.listTables().join();
			nettyDefault.listTables().join();

			Thread.sleep(6_000);
			kept.listTables().join();
			nettyDefault.listTables().join();

			assertThat(this.callers.stream().filter((caller) -> caller.startsWith("true")).distinct())
				.as("the apps' client: one connection")
				.hasSize(1);
			assertThat(this.callers.stream().filter((caller) -> caller.startsWith("false")).distinct())
				.as("Netty's default: closed after 5 s idle, so two")
				.hasSize(2);
		}
	}

	private DynamoDbAsyncClient client(SdkAsyncHttpClient http, String userAgent) {
		return DynamoDbAsyncClient.builder()
			.httpClient(http)
			.region(Region.US_EAST_1)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
			.endpointOverride(URI.create("http://127.0.0.1:" + this.server.getAddress().getPort()))
			.overrideConfiguration(
					(config) -> config.putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, userAgent))
			.build();
	}

}

package io.inferq.api;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API as it runs, against the real stand-ins (DynamoDB Local and ElasticMQ) with a
 * table and queues of its own, serving anonymous callers as the default tenant. Test
 * classes that extend it share one application context (Spring caches it by this
 * configuration), so each pays no start of its own.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=inferq-api", "inferq.api.security.anonymous=true" })
abstract class AnonymousApiContext {

	/** The table's name, and the interactive queue's. */
	static final String TABLE = "api-it-jobs";

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		LocalAwsResources.register(registry, TABLE);
	}

}

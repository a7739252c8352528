package io.inferq.api.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.inferq.tenant.ApiKey;
import io.inferq.tenant.ApiKeySecret;
import io.inferq.tenant.ApiKeyStore;
import io.inferq.tenant.TenantId;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The key cache: a key in use is read again in the background after half its TTL, its
 * requests answered meanwhile from the cache; a key unused for a whole TTL is waited for
 * (here: a store that never answers, a 503). Budget: about 1 s.
 */
class ApiKeyAuthenticationProviderTest {

	private static final Duration TTL = Duration.ofMillis(800);

	private final ApiKeySecret secret = ApiKeySecret.generate();

	private final AtomicInteger reads = new AtomicInteger();

	private final AtomicReference<CompletableFuture<Optional<ApiKey>>> nextAnswer = new AtomicReference<>();

	private final ApiKeyAuthenticationProvider provider = new ApiKeyAuthenticationProvider(new Keys(),
			new SecurityProperties(false, TTL, 100, "tenant", "rate", "burst", "queued"), Duration.ofMillis(200),
			false);

	@Test
	void aKeyInUse_shouldBeReadAgainInTheBackground_andAKeyUnusedForItsTtlWaitedFor() throws InterruptedException {
		ApiKey key = ApiKey.of(this.secret, new TenantId("acme"), "test", Instant.now(), null);
		this.nextAnswer.set(CompletableFuture.completedFuture(Optional.of(key)));
		assertThat(authenticate().getPrincipal()).hasFieldOrPropertyWithValue("tenant", new TenantId("acme"));

		this.nextAnswer.set(new CompletableFuture<>());
		Thread.sleep(TTL.toMillis() / 2 + 100);
		long started = System.nanoTime();
		Authentication again = authenticate();

		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered from the cache")
			.isLessThan(Duration.ofMillis(150));
		assertThat(again.getPrincipal()).hasFieldOrPropertyWithValue("tenant", new TenantId("acme"));
		assertThat(this.reads).as("the first read, and the refresh started").hasValue(2);

		Thread.sleep(TTL.toMillis());
		assertThatThrownBy(this::authenticate).as("expired, and the store does not answer")
			.isInstanceOf(AuthenticationServiceException.class);
	}

	private Authentication authenticate() {
		return this.provider.authenticate(new BearerTokenAuthenticationToken(this.secret.value()));
	}

	private final class Keys implements ApiKeyStore {

		@Override
		public CompletableFuture<Optional<ApiKey>> findByHash(String hash) {
			ApiKeyAuthenticationProviderTest.this.reads.incrementAndGet();
			return ApiKeyAuthenticationProviderTest.this.nextAnswer.get();
		}

		@Override
		public CompletableFuture<ApiKey> create(ApiKey key) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<Optional<ApiKey>> revoke(String id, Instant now) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<List<ApiKey>> list(TenantId tenant) {
			throw new UnsupportedOperationException();
		}

	}

}

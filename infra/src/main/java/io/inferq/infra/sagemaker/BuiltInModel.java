package io.inferq.infra.sagemaker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import reactor.core.publisher.Mono;

/**
 * The model of the seed's endpoint: waits its latency on a timer, then answers
 * {@code {"message":"finish"}} in JSON, or the request body as it came when echoing. A
 * request whose {@code Accept} excludes that answer fails as a container would, with
 * status 406.
 */
final class BuiltInModel implements Model {

	private static final ModelResponse FINISH = new ModelResponse(
			"{\"message\":\"finish\"}".getBytes(StandardCharsets.UTF_8), MediaTypes.JSON);

	private final Latency latency;

	private final boolean echo;

	BuiltInModel(Latency latency, boolean echo) {
		this.latency = latency;
		this.echo = echo;
	}

	@Override
	public Mono<ModelResponse> invoke(Invocation invocation, int instance) {
		ModelResponse response = this.echo
				? new ModelResponse(invocation.body(),
						(invocation.contentType() != null) ? invocation.contentType() : MediaTypes.OCTET_STREAM)
				: FINISH;
		if (!MediaTypes.accepts(invocation.accept(), response.contentType())) {
			return Mono.error(InvocationException.modelError(406,
					"This model answers " + response.contentType() + ", not " + invocation.accept()));
		}
		Duration wait = (invocation.latencyOverride() != null) ? invocation.latencyOverride()
				: this.latency.sample(ThreadLocalRandom.current());
		return Mono.delay(wait).thenReturn(response);
	}

}

package io.inferq.worker.inference;

import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import io.inferq.job.JobError;
import io.inferq.job.Payload;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.ModelErrorException;
import software.amazon.awssdk.services.sagemakerruntime.model.ValidationErrorException;

/**
 * {@link InferenceClient} on a SageMaker real-time endpoint, through the asynchronous
 * (Netty) SDK client.
 * <p>
 * Failures are classified once, here:
 * <table>
 * <tr>
 * <th>SageMaker says</th>
 * <th>retryable</th>
 * </tr>
 * <tr>
 * <td>ModelError with original status 4xx other than 408 and 429</td>
 * <td>no: the model rejected the input</td>
 * </tr>
 * <tr>
 * <td>ModelError with original status 5xx, 408, 429 or none (timeout)</td>
 * <td>yes</td>
 * </tr>
 * <tr>
 * <td>ValidationError (unknown endpoint, bad request)</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>Throttling, ModelNotReady, ServiceUnavailable (503), 429, and a model's own 429 or
 * 503</td>
 * <td>yes, and an overload: the request was not worked on, and the in-flight limit is too
 * high</td>
 * </tr>
 * <tr>
 * <td>InternalFailure, other 5xx</td>
 * <td>yes</td>
 * </tr>
 * <tr>
 * <td>other service 4xx (for example access denied)</td>
 * <td>no</td>
 * </tr>
 * <tr>
 * <td>client-side: connection refused or reset, call timeout</td>
 * <td>yes</td>
 * </tr>
 * </table>
 */
public class SageMakerInferenceClient implements InferenceClient {

	private static final String DEFAULT_OUTPUT_TYPE = "application/octet-stream";

	private final SageMakerRuntimeAsyncClient sageMaker;

	private final String endpointName;

	private final String variantName;

	/** A client of the whole endpoint, its weights choosing the variant. */
	public SageMakerInferenceClient(SageMakerRuntimeAsyncClient sageMaker, String endpointName) {
		this(sageMaker, endpointName, null);
	}

	/**
	 * @param variantName the production variant to invoke (TargetVariant), or
	 * {@code null} to let the endpoint's weights choose
	 */
	public SageMakerInferenceClient(SageMakerRuntimeAsyncClient sageMaker, String endpointName, String variantName) {
		this.sageMaker = sageMaker;
		this.endpointName = endpointName;
		this.variantName = variantName;
	}

	@Override
	public CompletableFuture<Payload> invoke(Payload input, String accept) {
		return invoke(input, accept, SendGate.OPEN, null);
	}

	@Override
	public CompletableFuture<Payload> invoke(Payload input, String accept, SendGate send) {
		return invoke(input, accept, send, null);
	}

	/**
	 * Invokes the endpoint; {@code send} is asked once the request is signed, right
	 * before the HTTP client takes it (through {@link SendGateInterceptor}), and the
	 * response's body is read once {@code output} admits its {@code Content-Length}
	 * (through {@link OutputGateInterceptor}); the client must have both interceptors.
	 * @param output the output's gate, or {@code null} to read the output at once
	 */
	@Override
	public CompletableFuture<Payload> invoke(Payload input, String accept, SendGate send, OutputGate output) {
		InvokeEndpointRequest.Builder builder = InvokeEndpointRequest.builder()
			.endpointName(this.endpointName)
			.targetVariant(this.variantName)
			.contentType(input.contentType())
			.accept(accept)
			.body(SdkBytes.fromByteArray(input.bytes()));
		if (send != SendGate.OPEN || output != null) {
			builder.overrideConfiguration((override) -> {
				override.putExecutionAttribute(SendGateInterceptor.GATE, send);
				if (output != null) {
					override.putExecutionAttribute(OutputGateInterceptor.GATE, output);
				}
			});
		}
		InvokeEndpointRequest request = builder.build();
		CompletableFuture<Payload> answer;
		try {
			answer = this.sageMaker.invokeEndpoint(request)
				.thenApply((response) -> new Payload(response.body().asByteArrayUnsafe(),
						(response.contentType() != null) ? response.contentType() : DEFAULT_OUTPUT_TYPE));
		}
		catch (RuntimeException ex) {
			answer = CompletableFuture.failedFuture(ex);
		}
		return Futures.recover(answer, (failure) -> CompletableFuture.failedFuture(classify(failure)));
	}

	static InferenceException classify(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InferenceException refusedByGate) {
				return refusedByGate;
			}
		}
		if (failure instanceof ModelErrorException modelError) {
			Integer status = modelError.originalStatusCode();
			// No status (or 0) means the model never answered: a timeout.
			boolean retryable = status == null || status < 400 || status >= 500 || status == 408 || status == 429;
			boolean overload = status != null && (status == 429 || status == 503);
			String message = (modelError.originalMessage() != null) ? modelError.originalMessage()
					: modelError.awsErrorDetails().errorMessage();
			return new InferenceException(
					new JobError("ModelError", (status != null) ? message + " (model status " + status + ")" : message),
					retryable, overload, failure);
		}
		if (failure instanceof ValidationErrorException validation) {
			return new InferenceException(new JobError("ValidationError", validation.awsErrorDetails().errorMessage()),
					false, failure);
		}
		if (failure instanceof AwsServiceException service) {
			String type = (service.awsErrorDetails() != null && service.awsErrorDetails().errorCode() != null)
					? service.awsErrorDetails().errorCode() : "ServiceError";
			String message = (service.awsErrorDetails() != null) ? service.awsErrorDetails().errorMessage()
					: service.getMessage();
			boolean overload = service.isThrottlingException() || service.statusCode() == 429
					|| service.statusCode() == 503 || type.startsWith("ModelNotReady");
			boolean retryable = overload || service.statusCode() >= 500;
			return new InferenceException(new JobError(type, message), retryable, overload, failure);
		}
		if (failure instanceof SdkClientException client) {
			return new InferenceException(new JobError("ClientError", client.getMessage()), true, failure);
		}
		return InferenceException.from(failure);
	}

}

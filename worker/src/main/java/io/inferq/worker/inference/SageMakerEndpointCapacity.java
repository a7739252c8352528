package io.inferq.worker.inference;

import java.util.concurrent.CompletableFuture;

import software.amazon.awssdk.services.sagemaker.SageMakerAsyncClient;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;

/**
 * How many instances a SageMaker endpoint runs now, from DescribeEndpoint: the sum of its
 * production variants' current instance counts.
 */
public class SageMakerEndpointCapacity {

	private final SageMakerAsyncClient sageMaker;

	private final String endpointName;

	public SageMakerEndpointCapacity(SageMakerAsyncClient sageMaker, String endpointName) {
		this.sageMaker = sageMaker;
		this.endpointName = endpointName;
	}

	/** The current instance count; fails if the endpoint cannot be described. */
	public CompletableFuture<Integer> currentInstances() {
		return this.sageMaker.describeEndpoint((request) -> request.endpointName(this.endpointName))
			.thenApply((endpoint) -> endpoint.productionVariants()
				.stream()
				.mapToInt(SageMakerEndpointCapacity::instances)
				.sum());
	}

	private static int instances(ProductionVariantSummary variant) {
		return (variant.currentInstanceCount() != null) ? variant.currentInstanceCount() : 0;
	}

}

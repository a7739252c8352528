package io.inferq.worker.inference;

import java.util.concurrent.CompletableFuture;

import software.amazon.awssdk.services.sagemaker.SageMakerAsyncClient;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantSummary;

/**
 * How many instances a SageMaker endpoint runs now, from DescribeEndpoint: the current
 * instance count of one production variant, or the sum over all of them.
 */
public class SageMakerEndpointCapacity {

	private final SageMakerAsyncClient sageMaker;

	private final String endpointName;

	private final String variantName;

	/**
	 * @param variantName the variant to count, or {@code null} for all
	 */
	public SageMakerEndpointCapacity(SageMakerAsyncClient sageMaker, String endpointName, String variantName) {
		this.sageMaker = sageMaker;
		this.endpointName = endpointName;
		this.variantName = variantName;
	}

	/** The current instance count; fails if the endpoint cannot be described. */
	public CompletableFuture<Integer> currentInstances() {
		return this.sageMaker.describeEndpoint((request) -> request.endpointName(this.endpointName))
			.thenApply((endpoint) -> endpoint.productionVariants()
				.stream()
				.filter((variant) -> this.variantName == null || this.variantName.equals(variant.variantName()))
				.mapToInt(SageMakerEndpointCapacity::instances)
				.sum());
	}

	private static int instances(ProductionVariantSummary variant) {
		return (variant.currentInstanceCount() != null) ? variant.currentInstanceCount() : 0;
	}

}

package io.inferq.worker.metrics;

import java.util.concurrent.CompletableFuture;

import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * {@link BacklogMetricWriter} on CloudWatch: one {@code PutMetricData} per sample, as
 * {@value #METRIC_NAME} in namespace {@value #NAMESPACE} with dimension
 * {@value #ENDPOINT_DIMENSION}, at standard (one-minute) resolution. The deployment
 * template's endpoint scaling policy and the worker role's IAM condition name the same.
 */
class CloudWatchBacklogMetricWriter implements BacklogMetricWriter {

	static final String NAMESPACE = "inferq";

	static final String METRIC_NAME = "BacklogPerInstance";

	static final String ENDPOINT_DIMENSION = "EndpointName";

	private final CloudWatchAsyncClient cloudWatch;

	private final Dimension endpoint;

	CloudWatchBacklogMetricWriter(CloudWatchAsyncClient cloudWatch, String endpointName) {
		this.cloudWatch = cloudWatch;
		this.endpoint = Dimension.builder().name(ENDPOINT_DIMENSION).value(endpointName).build();
	}

	@Override
	public CompletableFuture<Void> write(BacklogSample sample) {
		MetricDatum datum = MetricDatum.builder()
			.metricName(METRIC_NAME)
			.dimensions(this.endpoint)
			.value(sample.perInstance())
			.unit(StandardUnit.COUNT)
			.timestamp(sample.at())
			.build();
		return this.cloudWatch.putMetricData((request) -> request.namespace(NAMESPACE).metricData(datum))
			.thenApply((response) -> null);
	}

}

package io.inferq.worker.concurrency.dynamodb;

import java.util.Map;

import io.inferq.store.dynamodb.JobTable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Counts every DynamoDB request the worker sends, each attempt and failed conditional
 * write included, as {@code inferq.worker.dynamodb.requests}, tagged {@code purpose}:
 * {@code budget} for the in-flight budget's coordination, {@code stats} for the
 * dashboard's per-minute figures, {@code jobs} for the rest. So the cost of coordinating
 * a cluster is measured, not estimated.
 */
public class DynamoDbRequestCounter implements ExecutionInterceptor {

	/** The meter's name. */
	public static final String METER = "inferq.worker.dynamodb.requests";

	private final Counter budget;

	private final Counter jobs;

	private final Counter stats;

	public DynamoDbRequestCounter(MeterRegistry meters) {
		this.budget = Counter.builder(METER).tag("purpose", "budget").register(meters);
		this.jobs = Counter.builder(METER).tag("purpose", "jobs").register(meters);
		this.stats = Counter.builder(METER).tag("purpose", "stats").register(meters);
	}

	@Override
	public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
		String id = keyOf(context.request());
		if (id != null && id.startsWith(JobTable.BUDGET_KEY_PREFIX)) {
			this.budget.increment();
		}
		else if (id != null && id.startsWith(JobTable.STATS_KEY_PREFIX)) {
			this.stats.increment();
		}
		else {
			this.jobs.increment();
		}
	}

	private static String keyOf(SdkRequest request) {
		Map<String, AttributeValue> key = null;
		if (request instanceof UpdateItemRequest update) {
			key = update.key();
		}
		else if (request instanceof GetItemRequest get) {
			key = get.key();
		}
		else if (request instanceof PutItemRequest put) {
			key = put.item();
		}
		AttributeValue id = (key != null) ? key.get(JobTable.KEY) : null;
		return (id != null) ? id.s() : null;
	}

}

package io.inferq.aws;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

import io.inferq.store.dynamodb.JobTable;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Counts the requests an AWS client sends, each attempt included (a retried call counts
 * once per attempt), by service, operation and, for single-item DynamoDB calls, the kind
 * of item (its key's prefix: {@code job}, {@code batch}, {@code budget},
 * {@code idempotency}, {@code apikey}); and the bytes of their bodies. Added to every
 * client of an app (an {@link ExecutionInterceptor} bean), so that what a job costs in
 * round trips is measured, not estimated.
 * <p>
 * With {@link #measureWriteUnits(boolean)} on, DynamoDB writes also ask for their
 * consumed capacity ({@code ReturnConsumedCapacity=TOTAL}), which is added up as write
 * units: for benchmarks, off by default (the requests are then sent as built).
 * <p>
 * Thread-safe and cheap: a few adders per request, no allocation on the counted path
 * beyond the first request of each kind.
 */
public final class AwsRequestCounter implements ExecutionInterceptor {

	/** The SDK's name of DynamoDB. */
	public static final String DYNAMODB = "DynamoDb";

	/** The SDK's name of SQS. */
	public static final String SQS = "Sqs";

	/** The SDK's name of S3. */
	public static final String S3 = "S3";

	/** By service, then operation, then item kind ({@link #NO_KIND} for none). */
	private final Map<String, Map<String, Map<String, LongAdder>>> requests = new ConcurrentHashMap<>();

	private static final String NO_KIND = "";

	private final Map<String, LongAdder> bytes = new ConcurrentHashMap<>();

	private final DoubleAdder writeUnits = new DoubleAdder();

	private volatile boolean measureWriteUnits;

	/** Asks DynamoDB writes for the write units they consumed, from now on, or stops. */
	public void measureWriteUnits(boolean measure) {
		this.measureWriteUnits = measure;
	}

	@Override
	public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
		if (!this.measureWriteUnits) {
			return context.request();
		}
		SdkRequest request = context.request();
		if (request instanceof PutItemRequest put) {
			return put.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
		}
		if (request instanceof UpdateItemRequest update) {
			return update.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
		}
		if (request instanceof DeleteItemRequest delete) {
			return delete.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
		}
		if (request instanceof BatchWriteItemRequest batch) {
			return batch.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
		}
		if (request instanceof TransactWriteItemsRequest transaction) {
			return transaction.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
		}
		return request;
	}

	@Override
	public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
		String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
		String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
		String kind = itemKind(context.request());
		this.requests.computeIfAbsent(service, (name) -> new ConcurrentHashMap<>())
			.computeIfAbsent(operation, (name) -> new ConcurrentHashMap<>())
			.computeIfAbsent((kind != null) ? kind : NO_KIND, (name) -> new LongAdder())
			.increment();
		long length = context.asyncRequestBody()
			.flatMap((body) -> body.contentLength())
			.or(() -> context.requestBody().flatMap((body) -> body.optionalContentLength()))
			.orElse(0L);
		this.bytes.computeIfAbsent(service, (name) -> new LongAdder()).add(length);
	}

	@Override
	public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
		if (this.measureWriteUnits) {
			this.writeUnits.add(writeUnits(context.response()));
		}
	}

	/**
	 * Requests of {@code service} so far; of items of {@code itemKind} only, unless it is
	 * {@code null}.
	 */
	public long requests(String service, String itemKind) {
		long sum = 0;
		for (Map<String, LongAdder> kinds : this.requests.getOrDefault(service, Map.of()).values()) {
			for (Map.Entry<String, LongAdder> kind : kinds.entrySet()) {
				if (itemKind == null || itemKind.equals(kind.getKey())) {
					sum += kind.getValue().sum();
				}
			}
		}
		return sum;
	}

	/** The counts so far; subtract an earlier one ({@link Counts#minus}) for a run. */
	public Counts counts() {
		Map<Call, Long> calls = new TreeMap<>();
		this.requests.forEach((service, operations) -> operations.forEach((operation, kinds) -> kinds.forEach((kind,
				count) -> calls.put(new Call(service, operation, NO_KIND.equals(kind) ? null : kind), count.sum()))));
		Map<String, Long> sent = new TreeMap<>();
		this.bytes.forEach((service, count) -> sent.put(service, count.sum()));
		return new Counts(calls, sent, this.writeUnits.sum());
	}

	/**
	 * The kind of item a single-item DynamoDB request names, from its key's prefix;
	 * {@code null} for other requests.
	 */
	static String itemKind(SdkRequest request) {
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
		else if (request instanceof DeleteItemRequest delete) {
			key = delete.key();
		}
		AttributeValue id = (key != null) ? key.get(JobTable.KEY) : null;
		if (id == null || id.s() == null) {
			return null;
		}
		int hash = id.s().indexOf('#');
		return (hash > 0) ? id.s().substring(0, hash) : "job";
	}

	private static double writeUnits(SdkResponse response) {
		if (response instanceof PutItemResponse put) {
			return units(put.consumedCapacity());
		}
		if (response instanceof UpdateItemResponse update) {
			return units(update.consumedCapacity());
		}
		if (response instanceof DeleteItemResponse delete) {
			return units(delete.consumedCapacity());
		}
		if (response instanceof BatchWriteItemResponse batch) {
			return batch.consumedCapacity().stream().mapToDouble(AwsRequestCounter::units).sum();
		}
		if (response instanceof TransactWriteItemsResponse transaction) {
			return transaction.consumedCapacity().stream().mapToDouble(AwsRequestCounter::units).sum();
		}
		return 0;
	}

	private static double units(ConsumedCapacity consumed) {
		return (consumed != null && consumed.capacityUnits() != null) ? consumed.capacityUnits() : 0;
	}

	/**
	 * One kind of request.
	 *
	 * @param service the SDK's service name ({@link #DYNAMODB}, {@link #SQS},
	 * {@link #S3})
	 * @param operation the API operation ({@code PutItem}, {@code SendMessage})
	 * @param itemKind the kind of item a single-item DynamoDB request names, else
	 * {@code null}
	 */
	public record Call(String service, String operation, String itemKind) implements Comparable<Call> {

		@Override
		public int compareTo(Call other) {
			return toString().compareTo(other.toString());
		}

		@Override
		public String toString() {
			return this.service + " " + this.operation + ((this.itemKind != null) ? " " + this.itemKind : "");
		}

	}

	/**
	 * Counts at one moment.
	 *
	 * @param requests requests sent, by kind
	 * @param bytesSent bytes of request bodies sent, by service
	 * @param writeUnits DynamoDB write units consumed while they were measured
	 */
	public record Counts(Map<Call, Long> requests, Map<String, Long> bytesSent, double writeUnits) {

		/** Requests of {@code service}, all operations. */
		public long requests(String service) {
			return this.requests.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().service().equals(service))
				.mapToLong(Map.Entry::getValue)
				.sum();
		}

		/** What was counted since {@code earlier}. */
		public Counts minus(Counts earlier) {
			Map<Call, Long> calls = new TreeMap<>(this.requests);
			earlier.requests.forEach((call, count) -> calls.merge(call, -count, Long::sum));
			calls.values().removeIf((count) -> count == 0);
			Map<String, Long> sent = new TreeMap<>(this.bytesSent);
			earlier.bytesSent.forEach((service, count) -> sent.merge(service, -count, Long::sum));
			return new Counts(calls, sent, this.writeUnits - earlier.writeUnits);
		}

		/** These counts added to {@code other}'s. */
		public Counts plus(Counts other) {
			Map<Call, Long> calls = new TreeMap<>(this.requests);
			other.requests.forEach((call, count) -> calls.merge(call, count, Long::sum));
			Map<String, Long> sent = new TreeMap<>(this.bytesSent);
			other.bytesSent.forEach((service, count) -> sent.merge(service, count, Long::sum));
			return new Counts(calls, sent, this.writeUnits + other.writeUnits);
		}

	}

}

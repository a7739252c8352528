package io.inferq.api.ops.dynamodb;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.api.ops.CapacityReader;
import io.inferq.store.dynamodb.JobTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link CapacityReader} of the budget records the workers keep in the jobs table, keyed
 * {@code budget#<endpoint>#<variant>}: {@code capacity}, {@code limit}, and
 * {@code shares}, a map by worker ID of {@code held}, {@code interactiveDemand} and
 * {@code bulkDemand} (the worker's {@code DynamoDbBudgetStore} writes them). One
 * eventually consistent {@code GetItem}: a figure for people, not for decisions.
 */
public class DynamoDbCapacityReader implements CapacityReader {

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	public DynamoDbCapacityReader(DynamoDbAsyncClient dynamoDb, String tableName) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
	}

	@Override
	public CompletableFuture<Optional<Capacity>> capacity(String endpoint) {
		return this.dynamoDb
			.getItem((request) -> request.tableName(this.tableName)
				.key(Map.of(JobTable.KEY, AttributeValue.fromS(JobTable.BUDGET_KEY_PREFIX + endpoint))))
			.thenApply((response) -> (response.hasItem() && !response.item().isEmpty())
					? Optional.of(capacity(response.item())) : Optional.empty());
	}

	private static Capacity capacity(Map<String, AttributeValue> item) {
		Map<String, Integer> held = new HashMap<>();
		Map<String, Integer> demand = new HashMap<>();
		AttributeValue shares = item.get("shares");
		if (shares != null && shares.hasM()) {
			shares.m().forEach((worker, share) -> {
				if (share.hasM()) {
					held.put(worker, number(share.m(), "held"));
					demand.put(worker, number(share.m(), "interactiveDemand") + number(share.m(), "bulkDemand"));
				}
			});
		}
		return new Capacity(number(item, "capacity"), number(item, "limit"), held, demand);
	}

	private static int number(Map<String, AttributeValue> item, String name) {
		AttributeValue value = item.get(name);
		return (value != null && value.n() != null) ? (int) Long.parseLong(value.n()) : 0;
	}

}

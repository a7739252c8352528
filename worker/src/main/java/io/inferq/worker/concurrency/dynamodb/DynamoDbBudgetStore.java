package io.inferq.worker.concurrency.dynamodb;

import io.inferq.pace.WorkerPace;
import io.inferq.pace.dynamodb.PaceAttributes;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import io.inferq.store.dynamodb.JobTable;
import io.inferq.worker.concurrency.Budget;
import io.inferq.worker.concurrency.Budget.Share;
import io.inferq.worker.concurrency.BudgetStore;
import io.inferq.worker.concurrency.ShareLostException;
import io.inferq.worker.concurrency.StaleBudgetException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * {@link BudgetStore} in the jobs table ({@link JobTable}): one item per budget, keyed
 * {@code budget#<endpoint>#<variant>}, with the shares in a map attribute by worker ID
 * (each with its worker's pace, {@link PaceAttributes}, which the API reads; the names
 * {@code limit}, {@code shares}, {@code interactiveDemand} and {@code bulkDemand} are
 * read there too). Every write is one {@code UpdateItem} answering the item after it
 * ({@code ReturnValues=ALL_NEW}), or, when its condition fails, the item as it was
 * ({@code ReturnValuesOnConditionCheckFailure=ALL_OLD}), so a lost race costs no extra
 * read. Creating a budget is the one {@code PutItem}.
 */
public class DynamoDbBudgetStore implements BudgetStore {

	private static final String VERSION = "version";

	private static final String CAPACITY = "capacity";

	private static final String LIMIT = "limit";

	private static final String LIMIT_EPOCH = "limitEpoch";

	private static final String LEADER = "leader";

	private static final String SHARES = "shares";

	private static final String HELD = "held";

	private static final String RENEWAL = "renewal";

	private static final String INTERACTIVE_DEMAND = "interactiveDemand";

	private static final String BULK_DEMAND = "bulkDemand";

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	public DynamoDbBudgetStore(DynamoDbAsyncClient dynamoDb, String tableName) {
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
	}

	/** The key of the budget of one endpoint variant. */
	public static String key(String endpointName, String variantName) {
		return JobTable.BUDGET_KEY_PREFIX + endpointName + "#" + variantName;
	}

	@Override
	public CompletableFuture<Budget> join(String key, String worker, Share share, int capacity) {
		UpdateItemRequest addShare = update(key).updateExpression("SET #shares.#worker = :share")
			.conditionExpression("attribute_exists(#shares)")
			.expressionAttributeNames(Map.of("#shares", SHARES, "#worker", worker))
			.expressionAttributeValues(Map.of(":share", share(share)))
			.build();
		return Futures.recover(
				this.dynamoDb.updateItem(addShare).thenApply((response) -> budget(response.attributes())),
				(failure) -> {
					if (!(failure instanceof ConditionalCheckFailedException)) {
						return Futures.failed(failure);
					}
					return create(key, worker, share, capacity);
				});
	}

	private CompletableFuture<Budget> create(String key, String worker, Share share, int capacity) {
		Map<String, AttributeValue> item = new HashMap<>();
		item.put(JobTable.KEY, s(key));
		item.put(VERSION, n(1));
		item.put(CAPACITY, n(capacity));
		item.put(LIMIT, n(capacity));
		item.put(LIMIT_EPOCH, n(0));
		item.put(LEADER, s(worker));
		item.put(SHARES, AttributeValue.fromM(Map.of(worker, share(share))));
		return Futures.recover(
				this.dynamoDb
					.putItem((request) -> request.tableName(this.tableName)
						.item(item)
						.conditionExpression("attribute_not_exists(#id)")
						.expressionAttributeNames(Map.of("#id", JobTable.KEY)))
					.thenApply((response) -> budget(item)),
				// Another worker created it first: join that one.
				(failure) -> (failure instanceof ConditionalCheckFailedException) ? join(key, worker, share, capacity)
						: Futures.failed(failure));
	}

	@Override
	public CompletableFuture<Budget> putShare(String key, String worker, Share share) {
		UpdateItemRequest request = update(key).updateExpression("SET #shares.#worker = :share")
			.conditionExpression("attribute_exists(#shares.#worker) AND #shares.#worker.#held >= :held")
			.expressionAttributeNames(Map.of("#shares", SHARES, "#worker", worker, "#held", HELD))
			.expressionAttributeValues(Map.of(":share", share(share), ":held", n(share.held())))
			.build();
		return write(request, worker, (current) -> new IllegalStateException(
				"A share may only be raised by a versioned change; worker " + worker + " tried " + share.held()));
	}

	@Override
	public CompletableFuture<Budget> change(String key, long expectedVersion, String worker, Share share,
			Change change) {
		StringBuilder expression = new StringBuilder("SET #version = :next, #shares.#worker = :share");
		Map<String, String> names = new HashMap<>(Map.of("#version", VERSION, "#shares", SHARES, "#worker", worker));
		Map<String, AttributeValue> values = new HashMap<>(
				Map.of(":next", n(expectedVersion + 1), ":expected", n(expectedVersion), ":share", share(share)));
		if (change.capacity() != null) {
			expression.append(", #capacity = :capacity");
			names.put("#capacity", CAPACITY);
			values.put(":capacity", n(change.capacity()));
		}
		if (change.limit() != null) {
			expression.append(", #limit = :limit, #epoch = #epoch + :one");
			names.put("#limit", LIMIT);
			names.put("#epoch", LIMIT_EPOCH);
			values.put(":limit", n(change.limit()));
			values.put(":one", n(1));
		}
		if (change.leader() != null) {
			expression.append(", #leader = :leader");
			names.put("#leader", LEADER);
			values.put(":leader", s(change.leader()));
		}
		UpdateItemRequest request = update(key).updateExpression(expression.toString())
			.conditionExpression("#version = :expected AND attribute_exists(#shares.#worker)")
			.expressionAttributeNames(names)
			.expressionAttributeValues(values)
			.build();
		return write(request, worker, (current) -> new StaleBudgetException(expectedVersion, current));
	}

	@Override
	public CompletableFuture<Optional<Budget>> remove(String key, String worker, String renewal) {
		UpdateItemRequest.Builder request = update(key).updateExpression("REMOVE #shares.#worker");
		if (renewal != null) {
			request.conditionExpression("#shares.#worker.#renewal = :renewal")
				.expressionAttributeNames(Map.of("#shares", SHARES, "#worker", worker, "#renewal", RENEWAL))
				.expressionAttributeValues(Map.of(":renewal", s(renewal)));
		}
		else {
			request.conditionExpression("attribute_exists(#id)")
				.expressionAttributeNames(Map.of("#id", JobTable.KEY, "#shares", SHARES, "#worker", worker));
		}
		return Futures.recover(this.dynamoDb.updateItem(request.build())
			.thenApply((response) -> Optional.of(budget(response.attributes()))), (failure) -> {
				if (failure instanceof ConditionalCheckFailedException conflict) {
					return CompletableFuture.completedFuture(conflict.hasItem() && !conflict.item().isEmpty()
							? Optional.of(budget(conflict.item())) : Optional.empty());
				}
				return Futures.failed(failure);
			});
	}

	@Override
	public CompletableFuture<Optional<Budget>> find(String key) {
		return this.dynamoDb.getItem(
				(request) -> request.tableName(this.tableName).key(Map.of(JobTable.KEY, s(key))).consistentRead(true))
			.thenApply((response) -> response.hasItem() && !response.item().isEmpty()
					? Optional.of(budget(response.item())) : Optional.empty());
	}

	private UpdateItemRequest.Builder update(String key) {
		return UpdateItemRequest.builder()
			.tableName(this.tableName)
			.key(Map.of(JobTable.KEY, s(key)))
			.returnValues(ReturnValue.ALL_NEW)
			.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
	}

	/**
	 * Runs a write of {@code worker}'s share: a failed condition is a lost share if the
	 * share is gone, otherwise what {@code onConflict} makes of the budget as stored.
	 */
	private CompletableFuture<Budget> write(UpdateItemRequest request, String worker,
			java.util.function.Function<Budget, RuntimeException> onConflict) {
		return Futures.recover(this.dynamoDb.updateItem(request).thenApply((response) -> budget(response.attributes())),
				(failure) -> {
					if (failure instanceof ConditionalCheckFailedException conflict) {
						if (!conflict.hasItem() || conflict.item().isEmpty()) {
							return Futures.failed(new ShareLostException(worker));
						}
						Budget current = budget(conflict.item());
						return Futures.failed(current.share(worker).isEmpty() ? new ShareLostException(worker)
								: onConflict.apply(current));
					}
					return Futures.failed(failure);
				});
	}

	private static Budget budget(Map<String, AttributeValue> item) {
		Map<String, Share> shares = new HashMap<>();
		AttributeValue stored = item.get(SHARES);
		if (stored != null && stored.hasM()) {
			stored.m().forEach((worker, share) -> shares.put(worker, share(share.m())));
		}
		AttributeValue leader = item.get(LEADER);
		return new Budget(number(item, VERSION), (int) number(item, CAPACITY), (int) number(item, LIMIT),
				number(item, LIMIT_EPOCH), (leader != null) ? leader.s() : null, shares);
	}

	private static Share share(Map<String, AttributeValue> share) {
		return new Share((int) number(share, HELD), share.get(RENEWAL).s(), (int) number(share, INTERACTIVE_DEMAND),
				(int) number(share, BULK_DEMAND), PaceAttributes.from(share));
	}

	private static AttributeValue share(Share share) {
		Map<String, AttributeValue> attributes = new HashMap<>(
				Map.of(HELD, n(share.held()), RENEWAL, s(share.renewal()), INTERACTIVE_DEMAND,
						n(share.interactiveDemand()), BULK_DEMAND, n(share.bulkDemand())));
		if (!WorkerPace.NONE.equals(share.pace())) {
			attributes.put(PaceAttributes.PACE, PaceAttributes.of(share.pace()));
		}
		return AttributeValue.fromM(attributes);
	}

	private static long number(Map<String, AttributeValue> item, String name) {
		AttributeValue value = item.get(name);
		return (value != null && value.n() != null) ? Long.parseLong(value.n()) : 0;
	}

	private static AttributeValue s(String value) {
		return AttributeValue.fromS(value);
	}

	private static AttributeValue n(long value) {
		return AttributeValue.fromN(Long.toString(value));
	}

}

package io.inferq.pace.dynamodb;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.inferq.pace.ClusterPace;
import io.inferq.pace.Pace;
import io.inferq.pace.PaceSource;
import io.inferq.pace.WorkerPace;
import io.inferq.store.dynamodb.JobTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link PaceSource} from the workers' budget record ({@code budget#<endpoint>#<variant>}
 * in the jobs table): one eventually consistent {@code GetItem}, projected to the limit
 * and the shares. The record is the one the workers write anyway; reading it adds no key.
 */
public class DynamoDbPaceSource implements PaceSource {

	private final DynamoDbAsyncClient dynamoDb;

	private final String tableName;

	private final String key;

	/**
	 * @param budgetKey the budget record's key, {@code budget#<endpoint>#<variant>} (the
	 * variant {@code all} when the workers invoke all variants)
	 */
	public DynamoDbPaceSource(DynamoDbAsyncClient dynamoDb, String tableName, String budgetKey) {
		if (!budgetKey.startsWith(JobTable.BUDGET_KEY_PREFIX)) {
			throw new IllegalArgumentException("A budget key starts with " + JobTable.BUDGET_KEY_PREFIX);
		}
		this.dynamoDb = dynamoDb;
		this.tableName = tableName;
		this.key = budgetKey;
	}

	@Override
	public CompletableFuture<Optional<ClusterPace>> read() {
		return this.dynamoDb
			.getItem((request) -> request.tableName(this.tableName)
				.key(Map.of(JobTable.KEY, AttributeValue.fromS(this.key)))
				.projectionExpression("#limit, #shares")
				.expressionAttributeNames(Map.of("#limit", "limit", "#shares", "shares")))
			.thenApply((response) -> response.hasItem() && !response.item().isEmpty()
					? Optional.of(pace(response.item())) : Optional.empty());
	}

	private static ClusterPace pace(Map<String, AttributeValue> item) {
		int limit = (int) number(item, "limit");
		Lanes interactive = new Lanes();
		Lanes bulk = new Lanes();
		AttributeValue shares = item.get("shares");
		if (shares != null && shares.hasM()) {
			for (AttributeValue share : shares.m().values()) {
				if (!share.hasM()) {
					continue;
				}
				WorkerPace pace = PaceAttributes.from(share.m());
				interactive.add(pace.interactivePerSecond(), pace.interactiveMillis(),
						number(share.m(), "interactiveDemand"));
				bulk.add(pace.bulkPerSecond(), pace.bulkMillis(), number(share.m(), "bulkDemand"));
			}
		}
		return new ClusterPace(limit, interactive.pace(), bulk.pace());
	}

	private static long number(Map<String, AttributeValue> item, String name) {
		AttributeValue value = item.get(name);
		return (value != null && value.n() != null) ? Long.parseLong(value.n()) : 0;
	}

	/** Sums of one lane over the shares. */
	private static final class Lanes {

		private double rate;

		private double weightedMillis;

		private double millis;

		private int measured;

		private long demand;

		void add(double rate, double millis, long demand) {
			this.rate += rate;
			this.weightedMillis += rate * millis;
			if (millis > 0) {
				this.millis += millis;
				this.measured++;
			}
			this.demand += demand;
		}

		Pace pace() {
			double mean = (this.rate > 0 && this.weightedMillis > 0) ? this.weightedMillis / this.rate
					: (this.measured > 0) ? this.millis / this.measured : 0;
			return new Pace(this.rate, mean, (int) Math.min(Integer.MAX_VALUE, this.demand));
		}

	}

}

package io.inferq.worker.concurrency;

import io.inferq.infra.local.LocalAws;
import io.inferq.store.dynamodb.JobTable;
import io.inferq.worker.concurrency.dynamodb.DynamoDbBudgetStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** {@link DynamoDbBudgetStore} against DynamoDB Local, over the wire. */
class DynamoDbBudgetStoreTest extends BudgetStoreContractTest {

	private static DynamoDbAsyncClient dynamoDb;

	private static BudgetStore store;

	@BeforeAll
	static void connect() {
		LocalAws aws = LocalAws.shared();
		dynamoDb = aws.configure(DynamoDbAsyncClient.builder(), aws.dynamoDbEndpoint()).build();
		store = new DynamoDbBudgetStore(dynamoDb, JobTable.DEFAULT_NAME);
	}

	@AfterAll
	static void disconnect() {
		dynamoDb.close();
	}

	@Override
	BudgetStore store() {
		return store;
	}

}

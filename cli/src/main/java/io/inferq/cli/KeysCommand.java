package io.inferq.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.inferq.store.dynamodb.DynamoDbApiKeyStore;
import io.inferq.tenant.ApiKey;
import io.inferq.tenant.ApiKeySecret;
import io.inferq.tenant.ApiKeyStore;
import io.inferq.tenant.TenantId;
import io.inferq.tenant.TenantQuota;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code inferq keys create|revoke|list}: the API keys of tenants, written to the jobs
 * table directly (not through the API), so whoever runs it needs write access to the
 * table: in production, an operator's IAM role, never a tenant's key.
 */
@Command(name = "keys", description = { "Creates, revokes and lists API keys, in the jobs table directly.",
		"Needs DynamoDB access to the table (on AWS: an operator's IAM role with the template's key-admin policy); "
				+ "the defaults reach the table bin/run-local started." },
		subcommands = { KeysCommand.Create.class, KeysCommand.Revoke.class, KeysCommand.ListKeys.class })
final class KeysCommand {

	@ParentCommand
	Inferq inferq;

	@Mixin
	TableOptions table;

	ApiKeyStore store(DynamoDbAsyncClient dynamoDb) {
		return new DynamoDbApiKeyStore(dynamoDb, this.table.table);
	}

	@Command(name = "create", description = { "Creates a key for a tenant and prints it as the last line.",
			"Only its SHA-256 is stored: the key cannot be shown again." })
	static final class Create implements Callable<Integer> {

		@ParentCommand
		KeysCommand keys;

		@Spec
		CommandSpec spec;

		@Option(names = "--tenant", required = true, paramLabel = "TENANT",
				description = "The tenant whose jobs the key may submit and see.")
		String tenant;

		@Option(names = "--name", paramLabel = "TEXT", description = "What the key is for.")
		String name;

		@Option(names = "--submits-per-second", paramLabel = "N",
				description = "The tenant's submit rate with this key, per API replica (default: the API's).")
		Double submitsPerSecond;

		@Option(names = "--submit-burst", paramLabel = "N",
				description = "How many submits may come at once (default: the API's).")
		Integer submitBurst;

		@Option(names = "--max-queued-jobs", paramLabel = "N",
				description = "How many of the tenant's jobs may wait queued (default: the API's).")
		Long maxQueuedJobs;

		@Override
		public Integer call() {
			if (!TenantId.isValid(this.tenant)) {
				throw new ParameterException(this.spec.commandLine(),
						"--tenant must be 1 to 64 of A-Z, a-z, 0-9, '_', '.' or '-', "
								+ "starting with a letter or digit; was '" + this.tenant + "'");
			}
			TenantQuota quota;
			try {
				quota = new TenantQuota(this.submitsPerSecond, this.submitBurst, this.maxQueuedJobs);
			}
			catch (IllegalArgumentException ex) {
				throw new ParameterException(this.spec.commandLine(), ex.getMessage());
			}
			ApiKeySecret secret = ApiKeySecret.generate();
			try (DynamoDbAsyncClient dynamoDb = this.keys.table.client()) {
				ApiKey key = this.keys.store(dynamoDb)
					.create(ApiKey.of(secret, new TenantId(this.tenant), this.name, Instant.now(), quota))
					.join();
				PrintStream out = this.keys.inferq.out();
				out.println("Created API key " + key.id() + " for tenant " + key.tenant()
						+ "; keep it secret, it cannot be shown again:");
				out.println(secret.value());
			}
			return 0;
		}

	}

	@Command(name = "revoke", description = { "Revokes keys by their ID (as 'keys list' shows it).",
			"The API refuses a revoked key within its key cache time (30 s by default)." })
	static final class Revoke implements Callable<Integer> {

		@ParentCommand
		KeysCommand keys;

		@Parameters(paramLabel = "KEY_ID", arity = "1..*", description = "The IDs of the keys to revoke.")
		List<String> ids;

		@Override
		public Integer call() {
			int unknown = 0;
			try (DynamoDbAsyncClient dynamoDb = this.keys.table.client()) {
				ApiKeyStore store = this.keys.store(dynamoDb);
				for (String id : this.ids) {
					Optional<ApiKey> revoked = store.revoke(id, Instant.now()).join();
					if (revoked.isPresent()) {
						this.keys.inferq.out()
							.println("Revoked API key " + id + " of tenant " + revoked.get().tenant() + " (at "
									+ revoked.get().revokedAt() + ")");
					}
					else {
						this.keys.inferq.err().println("Error: no API key " + id);
						unknown++;
					}
				}
			}
			return (unknown > 0) ? Inferq.REFUSED : 0;
		}

	}

	@Command(name = "list",
			description = "Lists keys (never the keys themselves): ID, tenant, created, revoked, " + "limits and name.")
	static final class ListKeys implements Callable<Integer> {

		@ParentCommand
		KeysCommand keys;

		@Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant's keys.")
		String tenant;

		@Override
		public Integer call() {
			try (DynamoDbAsyncClient dynamoDb = this.keys.table.client()) {
				List<ApiKey> listed = this.keys.store(dynamoDb)
					.list((this.tenant != null) ? new TenantId(this.tenant) : null)
					.join();
				PrintStream out = this.keys.inferq.out();
				out.printf("%-16s  %-24s  %-24s  %-24s  %-28s  %s%n", "ID", "TENANT", "CREATED", "REVOKED", "LIMITS",
						"NAME");
				for (ApiKey key : listed) {
					out.printf("%-16s  %-24s  %-24s  %-24s  %-28s  %s%n", key.id(), key.tenant(), key.createdAt(),
							(key.revokedAt() != null) ? key.revokedAt() : "-", limits(key.quota()),
							(key.name() != null) ? key.name() : "");
				}
			}
			return 0;
		}

		private static String limits(TenantQuota quota) {
			List<String> limits = new ArrayList<>();
			if (quota.submitsPerSecond() != null) {
				limits.add(quota.submitsPerSecond() + "/s");
			}
			if (quota.submitBurst() != null) {
				limits.add("burst " + quota.submitBurst());
			}
			if (quota.maxQueuedJobs() != null) {
				limits.add(quota.maxQueuedJobs() + " queued");
			}
			return limits.isEmpty() ? "defaults" : String.join(", ", limits);
		}

	}

}

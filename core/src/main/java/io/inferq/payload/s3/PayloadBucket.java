package io.inferq.payload.s3;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.inferq.concurrent.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The one definition of the payloads bucket: its default name, key prefix and lifecycle
 * rule. The stand-ins, the LocalStack init hook, the deployment template and the apps all
 * follow it.
 */
public final class PayloadBucket {

	/** The bucket the apps use unless configured otherwise. */
	public static final String DEFAULT_NAME = "inferq-payloads";

	/** The key prefix of inferq's own objects, which the lifecycle rule expires. */
	public static final String DEFAULT_PREFIX = "payloads/";

	/**
	 * Days an object outlives the job's retention: a job's input is written when it is
	 * created and its record lives until its retention after it ends, which is at most a
	 * day later (the longest time to start), plus a day for the lifecycle's granularity.
	 */
	public static final int EXTRA_DAYS = 2;

	private static final Logger logger = LoggerFactory.getLogger(PayloadBucket.class);

	private PayloadBucket() {
	}

	/** How many days objects live before the lifecycle rule expires them. */
	public static int expirationDays(Duration retention) {
		return Math.toIntExact((retention.toHours() + 23) / 24) + EXTRA_DAYS;
	}

	/**
	 * Creates the bucket if it is missing and sets its lifecycle rule; an S3 that cannot
	 * set lifecycle rules (a stand-in) is logged and left without.
	 */
	public static CompletableFuture<Void> createIfAbsent(S3AsyncClient s3, String bucket, String prefix,
			Duration retention) {
		CompletableFuture<Void> created = s3.createBucket((request) -> request.bucket(bucket)).handle((ok, failure) -> {
			if (failure == null) {
				logger.info("Created S3 bucket {}", bucket);
				return null;
			}
			Throwable cause = Futures.unwrap(failure);
			if (cause instanceof BucketAlreadyOwnedByYouException
					|| (cause instanceof S3Exception s3Failure && s3Failure.statusCode() == 409)) {
				return null;
			}
			throw Futures.asCompletionException(failure);
		});
		int days = expirationDays(retention);
		return created.thenCompose((ignored) -> s3
			.putBucketLifecycleConfiguration((request) -> request.bucket(bucket)
				.lifecycleConfiguration((lifecycle) -> lifecycle.rules((rule) -> rule.id("inferq-payloads-expire")
					.status(ExpirationStatus.ENABLED)
					.filter((filter) -> filter.prefix(prefix))
					.expiration((expiration) -> expiration.days(days))
					.abortIncompleteMultipartUpload((abort) -> abort.daysAfterInitiation(1)))))
			.handle((ok, failure) -> {
				if (failure != null) {
					logger.info("S3 bucket {} has no lifecycle rule ({}); objects are not expired", bucket,
							Futures.unwrap(failure).getMessage());
				}
				return null;
			}));
	}

}

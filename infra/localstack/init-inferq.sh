#!/bin/bash
# LocalStack ready hook (/etc/localstack/init/ready.d): creates inferq's jobs table, queues, payloads bucket and event
# topics exactly as core's JobTable, JobQueues, PayloadBucket and EventTopicNames define them. Idempotent: existing resources are left as they are.
set -euo pipefail

TABLE=inferq-jobs        # JobTable.DEFAULT_NAME
QUEUE=inferq-jobs        # JobQueues.DEFAULT_NAME
BULK_QUEUE=inferq-jobs-bulk  # JobQueues.DEFAULT_BULK_NAME
DLQ=inferq-jobs-dlq      # JobQueues.DEFAULT_DLQ_NAME
MAX_RECEIVE_COUNT=10     # JobQueues.MAX_RECEIVE_COUNT
VISIBILITY_TIMEOUT=180   # JobQueues.VISIBILITY_TIMEOUT
DLQ_RETENTION=1209600    # 14 days
WEBHOOKS_QUEUE=inferq-webhooks          # WebhookQueues.DEFAULT_NAME
WEBHOOKS_DLQ=inferq-webhooks-dlq        # WebhookQueues.DEFAULT_DLQ_NAME
WEBHOOKS_MAX_RECEIVE_COUNT=12           # WebhookQueues.MAX_RECEIVE_COUNT
WEBHOOKS_VISIBILITY_TIMEOUT=60          # WebhookQueues.VISIBILITY_TIMEOUT
SUCCESS_TOPIC=inferq-success  # EventTopicNames.DEFAULT_SUCCESS_NAME
ERROR_TOPIC=inferq-errors     # EventTopicNames.DEFAULT_ERROR_NAME
BUCKET=inferq-payloads   # PayloadBucket.DEFAULT_NAME
PAYLOAD_PREFIX=payloads/ # PayloadBucket.DEFAULT_PREFIX
PAYLOAD_DAYS=9           # PayloadBucket.expirationDays(7 days of retention)

awslocal sqs create-queue --queue-name "$DLQ" --attributes "MessageRetentionPeriod=$DLQ_RETENTION" >/dev/null
dlq_url=$(awslocal sqs get-queue-url --queue-name "$DLQ" --query QueueUrl --output text)
dlq_arn=$(awslocal sqs get-queue-attributes --queue-url "$dlq_url" --attribute-names QueueArn \
	--query Attributes.QueueArn --output text)
attributes=$(mktemp)
cat >"$attributes" <<JSON
{"VisibilityTimeout": "$VISIBILITY_TIMEOUT",
 "RedrivePolicy": "{\"deadLetterTargetArn\":\"$dlq_arn\",\"maxReceiveCount\":\"$MAX_RECEIVE_COUNT\"}"}
JSON
awslocal sqs create-queue --queue-name "$QUEUE" --attributes "file://$attributes" >/dev/null
awslocal sqs create-queue --queue-name "$BULK_QUEUE" --attributes "file://$attributes" >/dev/null
awslocal sqs create-queue --queue-name "$WEBHOOKS_DLQ" --attributes "MessageRetentionPeriod=$DLQ_RETENTION" >/dev/null
webhooks_dlq_url=$(awslocal sqs get-queue-url --queue-name "$WEBHOOKS_DLQ" --query QueueUrl --output text)
webhooks_dlq_arn=$(awslocal sqs get-queue-attributes --queue-url "$webhooks_dlq_url" --attribute-names QueueArn \
	--query Attributes.QueueArn --output text)
cat >"$attributes" <<JSON
{"VisibilityTimeout": "$WEBHOOKS_VISIBILITY_TIMEOUT",
 "RedrivePolicy": "{\"deadLetterTargetArn\":\"$webhooks_dlq_arn\",\"maxReceiveCount\":\"$WEBHOOKS_MAX_RECEIVE_COUNT\"}"}
JSON
awslocal sqs create-queue --queue-name "$WEBHOOKS_QUEUE" --attributes "file://$attributes" >/dev/null
rm -f "$attributes"

# The operator's event topics; the apps publish to them only when given their ARNs
# (INFERQ_NOTIFICATIONS_SNS_SUCCESS_TOPIC_ARN / _ERROR_TOPIC_ARN).
awslocal sns create-topic --name "$SUCCESS_TOPIC" >/dev/null
awslocal sns create-topic --name "$ERROR_TOPIC" >/dev/null

if ! awslocal dynamodb describe-table --table-name "$TABLE" >/dev/null 2>&1; then
	# The tenant indexes (JobTable.TENANT_INDEX, TENANT_STATUS_INDEX): keys only, sorted by listKey; the sparse webhook
	# outbox index (JobTable.OUTBOX_INDEX).
	awslocal dynamodb create-table --table-name "$TABLE" \
		--attribute-definitions AttributeName=id,AttributeType=S AttributeName=tenantShard,AttributeType=S \
			AttributeName=tenantStatusShard,AttributeType=S AttributeName=listKey,AttributeType=S \
			AttributeName=outbox,AttributeType=S AttributeName=outboxAt,AttributeType=S \
		--key-schema AttributeName=id,KeyType=HASH \
		--global-secondary-indexes \
			'IndexName=by-tenant,KeySchema=[{AttributeName=tenantShard,KeyType=HASH},{AttributeName=listKey,KeyType=RANGE}],Projection={ProjectionType=KEYS_ONLY}' \
			'IndexName=by-tenant-status,KeySchema=[{AttributeName=tenantStatusShard,KeyType=HASH},{AttributeName=listKey,KeyType=RANGE}],Projection={ProjectionType=KEYS_ONLY}' \
			'IndexName=by-outbox,KeySchema=[{AttributeName=outbox,KeyType=HASH},{AttributeName=outboxAt,KeyType=RANGE}],Projection={ProjectionType=KEYS_ONLY}' \
		--billing-mode PAY_PER_REQUEST >/dev/null
	awslocal dynamodb wait table-exists --table-name "$TABLE"
	awslocal dynamodb update-time-to-live --table-name "$TABLE" \
		--time-to-live-specification Enabled=true,AttributeName=ttl >/dev/null
fi

if ! awslocal s3api head-bucket --bucket "$BUCKET" >/dev/null 2>&1; then
	awslocal s3api create-bucket --bucket "$BUCKET" >/dev/null
fi
awslocal s3api put-bucket-lifecycle-configuration --bucket "$BUCKET" --lifecycle-configuration "{\"Rules\": [
	{\"ID\": \"inferq-payloads-expire\", \"Status\": \"Enabled\", \"Filter\": {\"Prefix\": \"$PAYLOAD_PREFIX\"},
	 \"Expiration\": {\"Days\": $PAYLOAD_DAYS}, \"AbortIncompleteMultipartUpload\": {\"DaysAfterInitiation\": 1}}]}"

echo "inferq: queues $QUEUE and $BULK_QUEUE (dead letters to $DLQ), $WEBHOOKS_QUEUE (to $WEBHOOKS_DLQ), topics $SUCCESS_TOPIC and $ERROR_TOPIC, table $TABLE and bucket $BUCKET are ready"

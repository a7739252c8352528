/**
 * Completion webhooks, Standard Webhooks style: the events a job's or a batch's end owes
 * ({@link WebhookEvent}), how they are signed ({@link WebhookSignature}), and the ports a
 * worker delivers them through: the outbox of owed events ({@link WebhookOutbox}), the
 * delivery queue ({@link WebhookQueue}), the tenants' signing secrets
 * ({@link TenantWebhooks}) and the operator's topics ({@link EventTopics}); which jobs
 * owe events is {@link EventScope}'s. No class here imports the AWS SDK (the adapters are
 * in {@code sqs/} and {@code sns/}).
 */
package io.inferq.webhook;

/**
 * Completion webhooks, Standard Webhooks style: the events a job's or a batch's end owes
 * ({@link WebhookEvent}), how they are signed ({@link WebhookSignature}), and the ports a
 * worker delivers them through: the outbox of owed events ({@link WebhookOutbox}), the
 * delivery queue ({@link WebhookQueue}) and the tenants' signing secrets
 * ({@link TenantWebhooks}). No class here imports the AWS SDK.
 */
package io.inferq.webhook;

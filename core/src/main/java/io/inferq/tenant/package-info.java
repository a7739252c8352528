/**
 * Tenants: who jobs, batches and API keys belong to, what an API key is, and the limits a
 * tenant's credential may carry. No AWS here; the key store's adapter lives with the
 * other DynamoDB adapters.
 */
package io.inferq.tenant;

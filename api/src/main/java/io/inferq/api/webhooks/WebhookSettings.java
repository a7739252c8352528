package io.inferq.api.webhooks;

import java.time.Duration;
import java.util.List;

import io.inferq.webhook.AddressPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the API checks callbacks ({@value #PREFIX}).
 *
 * @param allowedAddresses CIDR blocks a callback URL's literal IP address may be in
 * although not public; as the worker's {@code inferq.worker.webhooks.allowed-addresses},
 * which decides at connect time
 * @param endpointCache how long a tenant's default endpoint is cached per API process: a
 * change applies to new jobs within this
 */
@ConfigurationProperties(WebhookSettings.PREFIX)
record WebhookSettings(@DefaultValue List<String> allowedAddresses, @DefaultValue("30s") Duration endpointCache) {

	static final String PREFIX = "inferq.api.webhooks";

	WebhookSettings {
		// Fails at start with the block that is not one.
		AddressPolicy.allowing(allowedAddresses);
	}

}

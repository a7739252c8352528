package io.inferq.worker.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;

import io.inferq.webhook.AddressPolicy;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * Resolves the hosts webhooks go to, and refuses any whose addresses the
 * {@link AddressPolicy} does not permit: the HTTP client connects only to the addresses
 * returned here, so a host cannot pass a check and then resolve elsewhere (DNS
 * rebinding). A host with one refused address is refused whole.
 */
final class GuardedDnsResolver implements DnsResolver {

	private final AddressPolicy policy;

	GuardedDnsResolver(AddressPolicy policy) {
		this.policy = policy;
	}

	@Override
	public InetAddress[] resolve(String host) throws UnknownHostException {
		InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
		for (InetAddress address : addresses) {
			if (!this.policy.permits(address)) {
				throw new RefusedAddressException(host, address);
			}
		}
		return addresses;
	}

	@Override
	public String resolveCanonicalHostname(String host) throws UnknownHostException {
		return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
	}

	/** A webhook's host resolved to an address it may not go to. */
	static final class RefusedAddressException extends UnknownHostException {

		RefusedAddressException(String host, InetAddress address) {
			super("Webhooks may not go to " + host + " (" + address.getHostAddress()
					+ "): loopback, private, link-local or reserved; see inferq.worker.webhooks.allowed-addresses");
		}

	}

}

package io.inferq.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Checks a callback URL when it is submitted, so that a bad one fails the request at
 * once: absolute {@code http} or {@code https}, at most {@link #MAX_LENGTH} characters,
 * with a host and without user information or fragment; a literal IP address must be one
 * the {@link AddressPolicy} permits. Host names are not resolved here: the deliverer
 * checks the addresses it connects to.
 */
public final class CallbackUrls {

	/** The longest callback URL accepted, in characters. */
	public static final int MAX_LENGTH = 2048;

	private CallbackUrls() {
	}

	/**
	 * The callback URL {@code value} names.
	 * @throws IllegalArgumentException with a message for the client if it is not
	 * acceptable
	 */
	public static URI parse(String value, AddressPolicy policy) {
		if (value == null || value.isEmpty()) {
			throw new IllegalArgumentException("callbackUrl is empty");
		}
		if (value.length() > MAX_LENGTH) {
			throw new IllegalArgumentException("callbackUrl is longer than " + MAX_LENGTH + " characters");
		}
		URI url;
		try {
			url = new URI(value);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("callbackUrl is not a URL: " + ex.getMessage());
		}
		String scheme = (url.getScheme() != null) ? url.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
			throw new IllegalArgumentException("callbackUrl must be an absolute http or https URL");
		}
		if (url.getRawUserInfo() != null) {
			throw new IllegalArgumentException("callbackUrl must not hold user information (user:password@)");
		}
		if (url.getRawFragment() != null) {
			throw new IllegalArgumentException("callbackUrl must not have a fragment (#...)");
		}
		String host = url.getHost();
		if (host == null || host.isEmpty()) {
			throw new IllegalArgumentException("callbackUrl has no host");
		}
		String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
		if (literal.matches("[0-9.]+") || literal.contains(":")) {
			InetAddress address;
			try {
				address = InetAddress.getByName(literal);
			}
			catch (UnknownHostException ex) {
				throw new IllegalArgumentException("callbackUrl's host is not an IP address: " + host);
			}
			if (!policy.permits(address)) {
				throw new IllegalArgumentException("callbackUrl's address " + host
						+ " is loopback, private, link-local or reserved: webhooks go to public addresses only");
			}
		}
		else if (literal.toLowerCase(Locale.ROOT).equals("localhost")
				|| literal.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
			if (!policy.permits(InetAddress.getLoopbackAddress())) {
				throw new IllegalArgumentException("callbackUrl's host " + host + " is loopback");
			}
		}
		return url;
	}

}

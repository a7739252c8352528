package io.inferq.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Which addresses webhooks may be sent to: public unicast addresses, and those an
 * operator allows ({@code allowed}, CIDR blocks). Refused unless allowed: loopback,
 * unspecified ({@code 0.0.0.0}, {@code ::}), private (10/8, 172.16/12, 192.168/16,
 * fc00::/7), link-local (169.254/16, with the cloud metadata addresses 169.254.169.254
 * and 169.254.170.2; fe80::/10), carrier-grade NAT (100.64/10), multicast and reserved
 * ranges (0/8, 192.0.0/24, the documentation and benchmark ranges, 240/4), and IPv6
 * addresses that embed a refused IPv4 one (IPv4-mapped and -compatible, 6to4, NAT64).
 * Immutable and thread-safe.
 */
public final class AddressPolicy {

	private final List<Cidr> allowed;

	private AddressPolicy(List<Cidr> allowed) {
		this.allowed = allowed;
	}

	/** Public addresses only. */
	public static AddressPolicy publicOnly() {
		return new AddressPolicy(List.of());
	}

	/**
	 * Public addresses and those in {@code allowed}.
	 * @param allowed CIDR blocks such as {@code 127.0.0.1/32} or {@code 10.0.0.0/8}; an
	 * address without a prefix length is the address alone
	 * @throws IllegalArgumentException if a block is not an IP address or CIDR block
	 */
	public static AddressPolicy allowing(List<String> allowed) {
		return new AddressPolicy(allowed.stream().map(Cidr::parse).toList());
	}

	/** Whether a webhook may be sent to {@code address}. */
	public boolean permits(InetAddress address) {
		return isPublic(address) || this.allowed.stream().anyMatch((block) -> block.contains(address));
	}

	/** Whether {@code address} is a public unicast address. */
	public static boolean isPublic(InetAddress address) {
		if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
				|| address.isSiteLocalAddress() || address.isMulticastAddress()) {
			return false;
		}
		byte[] bytes = address.getAddress();
		if (address instanceof Inet4Address) {
			return isPublicIpv4(bytes);
		}
		return isPublicIpv6((Inet6Address) address, bytes);
	}

	private static boolean isPublicIpv4(byte[] ip) {
		int a = ip[0] & 0xff;
		int b = ip[1] & 0xff;
		int c = ip[2] & 0xff;
		return !(a == 0 || a == 10 || a == 127 || a >= 224 // this network, private,
															// loopback,
		// multicast and reserved
				|| (a == 100 && b >= 64 && b <= 127) // carrier-grade NAT
				|| (a == 169 && b == 254) // link-local, cloud metadata
				|| (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) // private
				|| (a == 192 && b == 0 && (c == 0 || c == 2)) // IETF, documentation
				|| (a == 198 && (b == 18 || b == 19)) // benchmarking
				|| (a == 198 && b == 51 && c == 100) || (a == 203 && b == 0 && c == 113)); // documentation
	}

	private static boolean isPublicIpv6(Inet6Address address, byte[] ip) {
		int first = ip[0] & 0xff;
		if ((first & 0xfe) == 0xfc || first == 0xff) { // unique local fc00::/7, multicast
			return false;
		}
		if (first == 0x20 && ip[1] == 0x01 && ip[2] == 0x0d && (ip[3] & 0xff) == 0xb8) { // 2001:db8::/32
			return false;
		}
		if (first == 0x20 && ip[1] == 0x01 && ip[2] == 0 && ip[3] == 0) { // Teredo
																			// 2001::/32
			return false;
		}
		if (first == 0x20 && ip[1] == 0x02) { // 6to4: the IPv4 address is bytes 2 to 5
			return isPublicIpv4(new byte[] { ip[2], ip[3], ip[4], ip[5] });
		}
		boolean zeroPrefix = true;
		for (int i = 0; i < 10; i++) {
			zeroPrefix &= ip[i] == 0;
		}
		boolean nat64 = first == 0 && ip[1] == 0x64 && (ip[2] & 0xff) == 0xff && (ip[3] & 0xff) == 0x9b;
		boolean mapped = zeroPrefix
				&& (((ip[10] & 0xff) == 0xff && (ip[11] & 0xff) == 0xff) || (ip[10] == 0 && ip[11] == 0));
		if (mapped || nat64) { // IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96
			return isPublicIpv4(new byte[] { ip[12], ip[13], ip[14], ip[15] });
		}
		return !address.isIPv4CompatibleAddress();
	}

	/** An address block. */
	private record Cidr(byte[] network, int prefix) {

		static Cidr parse(String block) {
			String text = block.trim();
			int slash = text.indexOf('/');
			String host = (slash < 0) ? text : text.substring(0, slash);
			if (!host.matches("[0-9a-fA-F.:]+") || host.isEmpty()) {
				throw new IllegalArgumentException("Not an IP address or CIDR block: '" + block + "'");
			}
			try {
				byte[] network = InetAddress.getByName(host).getAddress();
				int prefix = (slash < 0) ? network.length * 8 : Integer.parseInt(text.substring(slash + 1));
				if (prefix < 0 || prefix > network.length * 8) {
					throw new IllegalArgumentException("Not a prefix length of " + host + ": '" + block + "'");
				}
				return new Cidr(network, prefix);
			}
			catch (UnknownHostException | NumberFormatException ex) {
				throw new IllegalArgumentException("Not an IP address or CIDR block: '" + block + "'", ex);
			}
		}

		boolean contains(InetAddress address) {
			byte[] ip = address.getAddress();
			if (ip.length != this.network.length) {
				return false;
			}
			for (int bit = 0; bit < this.prefix; bit++) {
				int mask = 0x80 >> (bit % 8);
				if ((ip[bit / 8] & mask) != (this.network[bit / 8] & mask)) {
					return false;
				}
			}
			return true;
		}

	}

}

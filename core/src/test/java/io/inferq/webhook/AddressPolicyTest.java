package io.inferq.webhook;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class AddressPolicyTest {

	private final AddressPolicy publicOnly = AddressPolicy.publicOnly();

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "127.1.2.3", "0.0.0.0", "0.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255",
			"192.168.1.1", "169.254.169.254", "169.254.170.2", "100.64.0.1", "100.127.255.254", "224.0.0.1",
			"239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.0.8", "192.0.2.1", "198.18.0.1", "198.51.100.7",
			"203.0.113.9", "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "fd12:3456::1", "ff02::1",
			"::ffff:127.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1",
			"2002:7f00:1::", "2001:db8::1", "2001::1" })
	void permits_shouldRefuseNonPublicAddresses(String address) throws Exception {
		assertThat(this.publicOnly.permits(InetAddress.getByName(address))).as(address).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.15.255.255", "172.32.0.1",
			"169.253.1.1", "192.169.0.1", "2606:4700:4700::1111", "2a00:1450:4001::200e", "64:ff9b::808:808",
			"2002:808:808::1", "::ffff:8.8.8.8" })
	void permits_shouldAllowPublicAddresses(String address) throws Exception {
		assertThat(this.publicOnly.permits(InetAddress.getByName(address))).as(address).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "127.0.0.1", "10.1.2.3", "::1" })
	void permits_shouldAllowWhatConfigurationAllows(String address) throws Exception {
		AddressPolicy policy = AddressPolicy.allowing(List.of("127.0.0.1", "10.0.0.0/8", "::1/128"));
		assertThat(policy.permits(InetAddress.getByName(address))).isTrue();
		assertThat(policy.permits(InetAddress.getByName("127.0.0.2"))).isFalse();
		assertThat(policy.permits(InetAddress.getByName("169.254.169.254"))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "localhost", "10.0.0.0/33", "10.0.0.0/x", "" })
	void allowing_shouldRefuseWhatIsNotABlock(String block) {
		assertThatIllegalArgumentException().isThrownBy(() -> AddressPolicy.allowing(List.of(block)));
	}

}

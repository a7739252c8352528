package io.inferq.webhook;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CallbackUrlsTest {

	@ParameterizedTest
	@ValueSource(strings = { "https://hooks.example.com/inferq", "http://example.com:8080/a?b=c", "https://8.8.8.8/x",
			"https://[2606:4700:4700::1111]/x" })
	void parse_shouldAcceptPublicHttpUrls(String url) {
		assertThat(CallbackUrls.parse(url, AddressPolicy.publicOnly())).hasToString(url);
	}

	@ParameterizedTest
	@ValueSource(strings = { "ftp://example.com/x", "file:///etc/passwd", "/relative", "https://user:pw@example.com/",
			"https://example.com/#x", "http://127.0.0.1:8080/", "http://169.254.169.254/latest/meta-data",
			"http://169.254.170.2/v2/credentials", "http://10.0.0.1/", "http://[::1]/", "http://[fd00::1]/",
			"http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://localhost:8080/", "http://a.localhost/",
			"https:///nohost", "http://exa mple.com/" })
	void parse_shouldRefuseWhatIsNotAPublicHttpUrl(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> CallbackUrls.parse(url, AddressPolicy.publicOnly()));
	}

	@Test
	void parse_shouldRefuseLongUrls() {
		String url = "https://example.com/" + "a".repeat(CallbackUrls.MAX_LENGTH);
		assertThatIllegalArgumentException().isThrownBy(() -> CallbackUrls.parse(url, AddressPolicy.publicOnly()))
			.withMessageContaining("2048");
	}

	@Test
	void parse_shouldAcceptLoopbackWhenAllowed() {
		assertThat(CallbackUrls.parse("http://127.0.0.1:9/x", AddressPolicy.allowing(List.of("127.0.0.1"))))
			.hasToString("http://127.0.0.1:9/x");
	}

}

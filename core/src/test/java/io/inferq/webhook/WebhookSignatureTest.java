package io.inferq.webhook;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WebhookSignatureTest {

	/** The Standard Webhooks reference implementations' test vector. */
	private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";

	private static final long TIMESTAMP = 1614265330;

	private static final String BODY = "{\"test\": 2432232314}";

	private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

	@Test
	void sign_shouldReproduceTheSpecificationsExample() {
		assertThat(WebhookSignature.sign(SECRET, ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
	}

	@Test
	void verify_shouldAcceptTheExampleAmongOtherSignatures() {
		assertThat(WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY, "v1,bm9wZQ== " + SIGNATURE)).isTrue();
	}

	@Test
	void verify_shouldRefuseAChangedBodyIdTimestampOrSecret() {
		assertThat(WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY + " ", SIGNATURE)).isFalse();
		assertThat(WebhookSignature.verify(SECRET, ID + "x", TIMESTAMP, BODY, SIGNATURE)).isFalse();
		assertThat(WebhookSignature.verify(SECRET, ID, TIMESTAMP + 1, BODY, SIGNATURE)).isFalse();
		assertThat(WebhookSignature.verify(WebhookSignature.newSecret(), ID, TIMESTAMP, BODY, SIGNATURE)).isFalse();
	}

	@Test
	void newSecret_shouldBeWhsecAndSignable() {
		String secret = WebhookSignature.newSecret();
		assertThat(secret).startsWith("whsec_").hasSize(6 + 44);
		String signature = WebhookSignature.sign(secret, ID, TIMESTAMP, BODY);
		assertThat(WebhookSignature.verify(secret, ID, TIMESTAMP, BODY, signature)).isTrue();
	}

	@Test
	void sign_shouldRefuseASecretThatIsNotBase64() {
		assertThatIllegalArgumentException().isThrownBy(() -> WebhookSignature.sign("whsec_*", ID, TIMESTAMP, BODY));
	}

}

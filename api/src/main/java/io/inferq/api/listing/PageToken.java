package io.inferq.api.listing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

import io.inferq.tenant.TenantId;

/**
 * The opaque token of a listing's next page: where it starts, bound to the listing (what
 * is listed, for which tenant, with which status filter) so that a token is refused by
 * any other listing. It need not be secret: the listing's tenant is always the caller's,
 * never the token's, so even a forged token shows only the caller's own records.
 */
final class PageToken {

	private static final String SEPARATOR = "\n";

	private PageToken() {
	}

	static String of(String listing, TenantId tenant, Object status, String cursor) {
		String text = String.join(SEPARATOR, listing, tenant.value(), Objects.toString(status, ""), cursor);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * The cursor a token stands for; {@code null} without one.
	 * @throws InvalidListingException if the token is not one of this listing's
	 */
	static String cursor(String listing, TenantId tenant, Object status, String token) {
		if (token == null || token.isEmpty()) {
			return null;
		}
		try {
			String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(SEPARATOR,
					-1);
			if (parts.length == 4 && parts[0].equals(listing) && parts[1].equals(tenant.value())
					&& parts[2].equals(Objects.toString(status, "")) && !parts[3].isEmpty()) {
				return parts[3];
			}
		}
		catch (IllegalArgumentException ex) {
			// Not base64: as invalid as any other wrong token.
		}
		throw new InvalidListingException("'pageToken' is not a token of this listing; pass the nextPageToken of "
				+ "the previous page as it was, with the same 'status'");
	}

}

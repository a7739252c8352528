package io.inferq.infra.sagemaker;

import java.util.Arrays;
import java.util.Locale;

/**
 * Media type matching for {@code Accept}, as much as a model needs.
 */
final class MediaTypes {

	static final String JSON = "application/json";

	static final String OCTET_STREAM = "application/octet-stream";

	private MediaTypes() {
	}

	/**
	 * Whether {@code accept} (a list of media ranges, or {@code null} for anything)
	 * admits {@code contentType}.
	 */
	static boolean accepts(String accept, String contentType) {
		if (accept == null || accept.isBlank()) {
			return true;
		}
		String type = essence(contentType);
		return Arrays.stream(accept.split(","))
			.map(MediaTypes::essence)
			.anyMatch((range) -> range.equals("*/*") || range.equals(type)
					|| (range.endsWith("/*") && type.startsWith(range.substring(0, range.length() - 1))));
	}

	private static String essence(String mediaType) {
		return mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
	}

}

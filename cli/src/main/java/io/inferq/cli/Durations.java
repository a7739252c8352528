package io.inferq.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations as people write them: {@code 500ms}, {@code 2s}, {@code 5m},
 * {@code 1h}, a bare number of seconds, or ISO-8601 ({@code PT2S}).
 */
final class Durations implements ITypeConverter<Duration> {

	private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)?");

	@Override
	public Duration convert(String value) {
		return parse(value);
	}

	static Duration parse(String value) {
		String text = value.strip().toLowerCase(java.util.Locale.ROOT);
		Matcher matcher = SIMPLE.matcher(text);
		if (matcher.matches()) {
			long amount = Long.parseLong(matcher.group(1));
			String unit = (matcher.group(2) != null) ? matcher.group(2) : "s";
			return switch (unit) {
				case "ms" -> Duration.ofMillis(amount);
				case "m" -> Duration.ofMinutes(amount);
				case "h" -> Duration.ofHours(amount);
				default -> Duration.ofSeconds(amount);
			};
		}
		try {
			return Duration.parse(value.strip());
		}
		catch (DateTimeParseException ex) {
			throw new TypeConversionException("'" + value + "' is not a duration: write it like 500ms, 2s, 5m or 1h");
		}
	}

}

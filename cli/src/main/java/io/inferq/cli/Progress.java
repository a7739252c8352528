package io.inferq.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.function.LongSupplier;

import io.inferq.cli.Batch.Counts;

/**
 * Shows on stderr how far an enqueue and the wait for its batches got: a progress bar
 * redrawn in place on a terminal, or a plain line per update (at most one a second)
 * elsewhere, such as in a log. Messages (retries, warnings) go between updates, in every
 * style. Safe for use from several threads.
 */
final class Progress {

	private static final long BAR_INTERVAL = Duration.ofMillis(100).toNanos();

	private static final long PLAIN_INTERVAL = Duration.ofSeconds(1).toNanos();

	private static final int BAR_WIDTH = 30;

	/** How far back the rate of jobs ending is measured while waiting. */
	private static final long RATE_WINDOW = Duration.ofMinutes(1).toNanos();

	private final PrintStream err;

	private final Style style;

	private final LongSupplier clock;

	private long total;

	private long started;

	private long lastShown;

	private boolean barShown;

	private long enqueued;

	private long replayed;

	/** (nanoTime, jobs finished) of the wait's updates in the last minute. */
	private final ArrayDeque<long[]> finishedSamples = new ArrayDeque<>();

	private Progress(PrintStream err, Style style, LongSupplier clock) {
		this.err = err;
		this.style = style;
		this.clock = clock;
	}

	/**
	 * Progress in {@code style}; {@link Style#AUTO} picks by whether a terminal is there.
	 */
	static Progress to(PrintStream err, Style style) {
		return new Progress(err, resolve(style), System::nanoTime);
	}

	/** Progress with a given clock, for tests. */
	static Progress to(PrintStream err, Style style, LongSupplier nanoClock) {
		return new Progress(err, resolve(style), nanoClock);
	}

	private static Style resolve(Style style) {
		if (style != Style.AUTO) {
			return style;
		}
		// Java 17 cannot tell whether stderr alone is a terminal: a console means stdin
		// and
		// stdout are.
		boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
		return terminal ? Style.BAR : Style.PLAIN;
	}

	/** Starts showing the enqueue of {@code total} items. */
	synchronized void startEnqueue(long total) {
		this.total = total;
		this.started = this.clock.getAsLong();
		this.lastShown = 0;
		show(enqueueLine(), this.enqueued, true);
	}

	/** {@code items} were accepted, {@code replayed} if by an earlier run. */
	synchronized void enqueued(int items, boolean replayed) {
		this.enqueued += items;
		if (replayed) {
			this.replayed += items;
		}
		show(enqueueLine(), this.enqueued, this.enqueued == this.total);
	}

	/** Starts showing the wait for {@code total} jobs. */
	synchronized void startWait(long total) {
		endBar();
		this.total = total;
		this.started = this.clock.getAsLong();
		this.lastShown = 0;
		this.finishedSamples.clear();
	}

	/**
	 * The jobs' counts over all batches, and how many batches are finished. The rate is
	 * that of the jobs ending over the last minute of updates (not counting those that
	 * had ended before the wait began), and the ETA what is left at that rate.
	 */
	synchronized void waited(Counts counts, int finishedBatches, int batches) {
		double rate = windowRate(counts.finished());
		show(waitLine(counts, finishedBatches, batches, (rate < 0) ? "-" : rate(rate), null, rate), counts.finished(),
				finishedBatches == batches);
	}

	/**
	 * As {@link #waited(Counts, int, int)}, with the rate and expected completion the API
	 * measures (from its progress stream) instead of the rate since the wait started.
	 * @param ratePerSecond jobs ending per second
	 * @param completion when the last job is expected to end, or {@code null} (the ETA is
	 * then what is left at {@code ratePerSecond})
	 */
	synchronized void waited(Counts counts, int finishedBatches, int batches, double ratePerSecond,
			java.time.Instant completion) {
		windowRate(counts.finished());
		show(waitLine(counts, finishedBatches, batches, rate(ratePerSecond), completion, ratePerSecond),
				counts.finished(), finishedBatches == batches);
	}

	/** A message between updates. */
	synchronized void message(String message) {
		endBar();
		this.err.println(message);
		this.err.flush();
	}

	/** Ends the bar, so that what follows starts on a line of its own. */
	synchronized void finish() {
		endBar();
	}

	private String enqueueLine() {
		String replays = (this.replayed > 0) ? String.format(Locale.ROOT, " (%,d replayed)", this.replayed) : "";
		return String.format(Locale.ROOT, "Enqueued %,d/%,d lines%s, %s jobs/s", this.enqueued, this.total, replays,
				rate(this.enqueued));
	}

	private String waitLine(Counts counts, int finishedBatches, int batches, String rate, java.time.Instant completion,
			double ratePerSecond) {
		long left = this.total - counts.finished();
		String eta = (completion != null) ? eta(completion)
				: (ratePerSecond > 0 && left > 0) ? eta((long) Math.ceil(left / ratePerSecond)) : "";
		return String.format(Locale.ROOT,
				"Finished %,d/%,d jobs (%,d succeeded, %,d failed, %,d cancelled, %,d expired; %,d running, "
						+ "%,d queued), %d/%d batches done, %s jobs/s%s",
				counts.finished(), this.total, counts.succeeded(), counts.failed(), counts.cancelled(),
				counts.expired(), counts.running(), counts.queued(), finishedBatches, batches, rate, eta);
	}

	/**
	 * Records {@code finished} now and returns the jobs ending per second over the
	 * window's updates; -1 before two updates a moment apart.
	 */
	private double windowRate(long finished) {
		long now = this.clock.getAsLong();
		this.finishedSamples.addLast(new long[] { now, finished });
		while (now - this.finishedSamples.peekFirst()[0] > RATE_WINDOW) {
			this.finishedSamples.removeFirst();
		}
		long[] oldest = this.finishedSamples.peekFirst();
		double seconds = (now - oldest[0]) / 1e9;
		return (seconds < 0.001) ? -1 : Math.max(0, finished - oldest[1]) / seconds;
	}

	private String rate(long items) {
		double seconds = (this.clock.getAsLong() - this.started) / 1e9;
		return (seconds < 0.001) ? "-" : rate(items / seconds);
	}

	/** A rate, with a decimal below 1 a second, so that a slow model does not show 0. */
	private static String rate(double perSecond) {
		boolean fraction = perSecond > 0 && perSecond < 1;
		return String.format(Locale.ROOT, fraction ? "%.1f" : "%,.0f", perSecond);
	}

	private static String eta(java.time.Instant completion) {
		return eta(java.time.Duration.between(java.time.Instant.now(), completion).toSeconds());
	}

	private static String eta(long secondsLeft) {
		long seconds = Math.max(0, secondsLeft);
		String left = (seconds >= 3600) ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60)
				: (seconds >= 60) ? String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60) : seconds + "s";
		return ", ETA " + left;
	}

	private void show(String line, long done, boolean last) {
		long now = this.clock.getAsLong();
		switch (this.style) {
			case BAR -> {
				if (last || this.lastShown == 0 || now - this.lastShown >= BAR_INTERVAL) {
					this.err.print("\r" + bar(done) + " " + line + "\033[K");
					this.err.flush();
					this.barShown = true;
					this.lastShown = now;
				}
			}
			case PLAIN -> {
				if (last || this.lastShown == 0 || now - this.lastShown >= PLAIN_INTERVAL) {
					this.err.println(line);
					this.err.flush();
					this.lastShown = now;
				}
			}
			default -> {
			}
		}
	}

	private String bar(long done) {
		int filled = (this.total == 0) ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / this.total);
		return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
	}

	private void endBar() {
		if (this.barShown) {
			this.err.println();
			this.err.flush();
			this.barShown = false;
		}
	}

	/** How progress is shown. */
	enum Style {

		/** A bar on a terminal, plain lines elsewhere. */
		AUTO,

		/** A bar redrawn in place. */
		BAR,

		/** A line per update, at most one a second. */
		PLAIN,

		/** No progress, only messages. */
		NONE

	}

}

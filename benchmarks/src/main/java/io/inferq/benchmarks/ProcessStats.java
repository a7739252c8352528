package io.inferq.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux's /proc says of a process: CPU time, peak resident memory, threads.
 *
 * @param cpuSeconds user plus system CPU time
 * @param peakRssKiB the most resident memory (VmHWM)
 * @param threads live threads now
 */
record ProcessStats(double cpuSeconds, long peakRssKiB, int threads) {

	/** Clock ticks per second of /proc/PID/stat; 100 on every Linux this runs on. */
	private static final double TICKS_PER_SECOND = 100;

	static ProcessStats of(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		// Fields after the command name, which is in parentheses and may contain spaces.
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
		long peakRss = 0;
		int threads = 0;
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
			if (line.startsWith("VmHWM:")) {
				peakRss = Long.parseLong(line.replaceAll("\\D", ""));
			}
			else if (line.startsWith("Threads:")) {
				threads = Integer.parseInt(line.replaceAll("\\D", ""));
			}
		}
		return new ProcessStats(cpu, peakRss, threads);
	}

}

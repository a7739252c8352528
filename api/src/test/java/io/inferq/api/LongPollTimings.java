package io.inferq.api;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.job.Job;
import io.inferq.job.JobId;
import io.inferq.store.JobStatuses;
import io.inferq.store.JobStore;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.DeferredResultProcessingInterceptor;
import org.springframework.web.servlet.config.annotation.AsyncSupportConfigurer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Where the time between a job's end and its waiting client's answer goes, measured from
 * outside the production code: the read of the jobs its inbox was told ended (through a
 * wrapper of the {@link JobStore} bean's {@code findAll}), the safety poll's status reads
 * (a wrapper of the {@link JobStatuses} bean), the moment the controller's future
 * completes (a deferred result interceptor), the async dispatch and the response written
 * (a filter on {@code ASYNC} dispatches). All instants from one JVM's
 * {@link Instant#now()}.
 */
final class LongPollTimings {

	/** The stages of one job's answer, as instants; any may be missing. */
	final Map<JobId, Instant> pollStarted = new ConcurrentHashMap<>();

	final Map<JobId, Instant> readStarted = new ConcurrentHashMap<>();

	final Map<JobId, Instant> seen = new ConcurrentHashMap<>();

	final Map<JobId, Instant> resultReady = new ConcurrentHashMap<>();

	final Map<JobId, Instant> dispatched = new ConcurrentHashMap<>();

	final Map<JobId, Instant> written = new ConcurrentHashMap<>();

	private final List<Long> readMillis = new ArrayList<>();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger mostInFlight = new AtomicInteger();

	private long gcMillisAtStart;

	void start() {
		this.pollStarted.clear();
		this.readStarted.clear();
		this.seen.clear();
		this.resultReady.clear();
		this.dispatched.clear();
		this.written.clear();
		synchronized (this.readMillis) {
			this.readMillis.clear();
		}
		this.mostInFlight.set(0);
		this.gcMillisAtStart = gcMillis();
	}

	/** One line: each stage's median, p99 and max, from {@code ended}. */
	String report(Map<JobId, Instant> finished, Map<JobId, Instant> ended, Map<JobId, Instant> received) {
		List<Long> reads;
		synchronized (this.readMillis) {
			reads = this.readMillis.stream().sorted().toList();
		}
		return String
			.format("stages (median/p99/max ms): finishedAt->stored %s; stored->told read start %s; told read %s; "
					+ "stored->poll start %s; poll start->seen %s; seen->result ready %s; ready->dispatched %s; dispatched->written %s; written->received %s; "
					+ "seen->received %s; "
					+ "status reads: %d, %s ms (median/p99/max), at most %d in flight; GC %d ms",
					stats(finished, ended), stats(ended, this.readStarted), stats(this.readStarted, this.seen),
					stats(ended, this.pollStarted), stats(this.pollStarted, this.seen),
					stats(this.seen, this.resultReady), stats(this.resultReady, this.dispatched),
					stats(this.dispatched, this.written), stats(this.written, received), stats(this.seen, received),
					reads.size(), percentiles(reads), this.mostInFlight.get(), gcMillis() - this.gcMillisAtStart);
	}

	/** Status reads since {@link #start()}. */
	int statusReads() {
		synchronized (this.readMillis) {
			return this.readMillis.size();
		}
	}

	/** The most status reads in flight at once since {@link #start()}. */
	int mostStatusReadsInFlight() {
		return this.mostInFlight.get();
	}

	/** The longest time from {@code from} to {@code to} over the jobs in both, ms. */
	long slowest(Map<JobId, Instant> from, Map<JobId, Instant> to) {
		return lags(from, to).stream().mapToLong(Long::longValue).max().orElse(0);
	}

	private static List<Long> lags(Map<JobId, Instant> from, Map<JobId, Instant> to) {
		List<Long> lags = new ArrayList<>();
		from.forEach((id, start) -> {
			Instant end = to.get(id);
			if (end != null) {
				lags.add(Duration.between(start, end).toMillis());
			}
		});
		return lags;
	}

	private static String stats(Map<JobId, Instant> from, Map<JobId, Instant> to) {
		return percentiles(lags(from, to).stream().sorted().toList());
	}

	private static String percentiles(List<Long> sorted) {
		if (sorted.isEmpty()) {
			return "-";
		}
		return sorted.get(sorted.size() / 2) + "/" + sorted.get(Math.max(0, sorted.size() * 99 / 100 - 1)) + "/"
				+ sorted.get(sorted.size() - 1);
	}

	private static long gcMillis() {
		return ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.mapToLong(GarbageCollectorMXBean::getCollectionTime)
			.sum();
	}

	private JobStatuses timed(JobStatuses statuses) {
		return (ids) -> {
			Instant started = Instant.now();
			this.mostInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			return statuses.statuses(ids).whenComplete((found, failure) -> {
				Instant now = Instant.now();
				this.inFlight.decrementAndGet();
				synchronized (this.readMillis) {
					this.readMillis.add(Duration.between(started, now).toMillis());
				}
				if (found != null) {
					found.forEach((id, status) -> {
						if (status.isTerminal() && this.seen.putIfAbsent(id, now) == null) {
							this.pollStarted.put(id, started);
						}
					});
				}
			});
		};
	}

	/** The store, its reads of whole jobs timed: the reads of the jobs told ended. */
	private JobStore timed(JobStore store) {
		return new JobStore() {

			@Override
			public CompletableFuture<Job> create(Job job) {
				return store.create(job);
			}

			@Override
			public CompletableFuture<Optional<Job>> find(JobId id) {
				return store.find(id);
			}

			@Override
			public CompletableFuture<Job> update(Job job) {
				return store.update(job);
			}

			@Override
			public CompletableFuture<Job> renewLease(Job job) {
				return store.renewLease(job);
			}

			@Override
			public CompletableFuture<Boolean> watch(JobId id, String watcher) {
				return store.watch(id, watcher);
			}

			@Override
			public CompletableFuture<List<Job>> createAll(List<Job> jobs) {
				return store.createAll(jobs);
			}

			@Override
			public CompletableFuture<Map<JobId, Job>> findAll(List<JobId> ids) {
				Instant started = Instant.now();
				ids.forEach((id) -> LongPollTimings.this.readStarted.putIfAbsent(id, started));
				return store.findAll(ids).whenComplete((found, failure) -> {
					Instant now = Instant.now();
					if (found != null) {
						found.values()
							.stream()
							.filter(Job::isTerminal)
							.forEach((job) -> LongPollTimings.this.seen.putIfAbsent(job.id(), now));
					}
				});
			}

		};
	}

	private static JobId jobOf(HttpServletRequest request) {
		String uri = request.getRequestURI();
		return new JobId(uri.substring(uri.lastIndexOf('/') + 1));
	}

	/** The wiring: add with {@code @Import(LongPollTimings.Wiring.class)}. */
	@TestConfiguration(proxyBeanMethods = false)
	static class Wiring {

		@Bean
		static LongPollTimings longPollTimings() {
			return new LongPollTimings();
		}

		@Bean
		static BeanPostProcessor timedJobStatuses(LongPollTimings timings) {
			return new BeanPostProcessor() {
				@Override
				public Object postProcessAfterInitialization(Object bean, String name) {
					if (bean instanceof JobStore store) {
						return timings.timed(store);
					}
					return (bean instanceof JobStatuses statuses) ? timings.timed(statuses) : bean;
				}
			};
		}

		@Bean
		WebMvcConfigurer resultReadyTimer(LongPollTimings timings) {
			return new WebMvcConfigurer() {
				@Override
				public void configureAsyncSupport(AsyncSupportConfigurer configurer) {
					configurer.registerDeferredResultInterceptors(new DeferredResultProcessingInterceptor() {
						@Override
						public <T> void postProcess(NativeWebRequest request, DeferredResult<T> result, Object value) {
							HttpServletRequest http = request.getNativeRequest(HttpServletRequest.class);
							if (http != null && http.getQueryString() != null) {
								timings.resultReady.put(jobOf(http), Instant.now());
							}
						}
					});
				}
			};
		}

		@Bean
		FilterRegistrationBean<Filter> asyncDispatchTimer(LongPollTimings timings) {
			Filter filter = (ServletRequest request, ServletResponse response, FilterChain chain) -> {
				HttpServletRequest http = (HttpServletRequest) request;
				boolean waited = http.getQueryString() != null;
				if (waited) {
					timings.dispatched.put(jobOf(http), Instant.now());
				}
				chain.doFilter(request, response);
				if (waited) {
					response.flushBuffer();
					timings.written.put(jobOf(http), Instant.now());
				}
			};
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
			registration.setDispatcherTypes(DispatcherType.ASYNC);
			registration.addUrlPatterns("/v1/jobs/*");
			return registration;
		}

	}

}

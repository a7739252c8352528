package io.inferq.infra.local;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.inferq.infra.sagemaker.EndpointSpec;
import io.inferq.infra.sagemaker.Latency;
import io.inferq.infra.sagemaker.SageMakerError;

/**
 * The launcher's options, from {@code --name value} flags or, when a flag is absent, the
 * environment variable {@code LOCAL_AWS_NAME} (upper case, dashes as underscores).
 *
 * @param ports where SQS, DynamoDB, SageMaker and S3 listen (0 for a free port)
 * @param bindAddress the address the emulator listens on with {@code onlySageMaker}
 * @param onlySageMaker start the SageMaker emulator alone
 * @param endpoint the endpoint to define
 */
record LauncherOptions(LocalAws.Ports ports, String bindAddress, boolean onlySageMaker, EndpointSpec endpoint) {

	static final String USAGE = """
			Usage: local-aws [options]   (each option also reads LOCAL_AWS_<OPTION>, e.g. LOCAL_AWS_LATENCY=2s)
			  --sqs-port N             SQS (ElasticMQ) port, default 9324
			  --dynamodb-port N        DynamoDB Local port, default 8000
			  --sagemaker-port N       SageMaker emulator port, default 8090
			  --s3-port N              S3 (S3Proxy) port, default 9000
			  --sns-port N             SNS stand-in port, default 9911
			  --only-sagemaker         start the SageMaker emulator alone
			  --bind-address A         address of the emulator with --only-sagemaker, default 127.0.0.1
			  --endpoint-name NAME     default sagemaker-endpoint-test
			  --instances N            instances of the endpoint, default 2
			  --served-instances N     only N of them serve (DescribeEndpoint still reports all), default all
			  --concurrency N          invocations per instance at a time, default 1
			  --latency D              the model's (median) latency, default 5s (units: ms, s, m)
			  --latency-p99 D          99th percentile latency (log-normal); default: fixed latency
			  --model-timeout D        time limit per invocation, waiting included, default 60s
			  --reject-when-busy       throttle at once when no instance is free, instead of waiting
			  --keep-running-after-disconnect
			                           go on with an invocation whose caller went away, holding its
			                           instance until the model finishes (as SageMaker does)
			  --echo                   answer the request body instead of {"message":"finish"}
			  --container URL[,URL]    forward to model containers instead of the built-in model
			  --error-rate CODE=R[,..] fail a share R of invocations with CODE, e.g. ModelError=0.01
			  --help                   show this
			""";

	private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

	private static final List<String> SWITCHES = List.of("only-sagemaker", "reject-when-busy",
			"keep-running-after-disconnect", "echo", "help");

	/**
	 * The options in {@code args}, falling back to {@code environment}.
	 * @throws IllegalArgumentException with a message saying what to fix
	 */
	static LauncherOptions parse(String[] args, Map<String, String> environment) {
		Map<String, String> flags = flags(args);
		Map<String, String> values = new LinkedHashMap<>();
		environment.forEach((name, value) -> {
			if (name.startsWith("LOCAL_AWS_")) {
				values.put(name.substring("LOCAL_AWS_".length()).toLowerCase(Locale.ROOT).replace('_', '-'), value);
			}
		});
		values.putAll(flags);
		Options options = new Options(values);
		EndpointSpec.Builder endpoint = EndpointSpec
			.builder(options.string("endpoint-name", LocalAws.DEFAULT_ENDPOINT_NAME))
			.instances(options.integer("instances", 2))
			.servedInstances(options.integer("served-instances"))
			.concurrencyPerInstance(options.integer("concurrency", 1))
			.modelTimeout(options.duration("model-timeout", EndpointSpec.DEFAULT_MODEL_TIMEOUT))
			.rejectWhenBusy(options.flag("reject-when-busy"))
			.keepRunningAfterDisconnect(options.flag("keep-running-after-disconnect"))
			.echo(options.flag("echo"));
		Duration latency = options.duration("latency", Duration.ofSeconds(5));
		endpoint.latency(new Latency(latency, options.duration("latency-p99", latency)));
		endpoint.containers(options.list("container").stream().map(URI::create).toList());
		options.list("error-rate").forEach((rate) -> {
			String[] parts = rate.split("=", 2);
			if (parts.length != 2) {
				throw new IllegalArgumentException("--error-rate takes CODE=RATE, e.g. ModelError=0.01, not " + rate);
			}
			endpoint.errorRate(SageMakerError.fromCode(parts[0].trim()), Double.parseDouble(parts[1].trim()));
		});
		LauncherOptions parsed = new LauncherOptions(
				new LocalAws.Ports(options.integer("sqs-port", 9324), options.integer("dynamodb-port", 8000),
						options.integer("sagemaker-port", 8090), options.integer("s3-port", 9000),
						options.integer("sns-port", 9911)),
				options.string("bind-address", "127.0.0.1"), options.flag("only-sagemaker"), endpoint.build());
		options.rejectUnknown();
		return parsed;
	}

	/** Whether {@code --help} was asked for. */
	static boolean wantsHelp(String[] args) {
		return Arrays.asList(args).contains("--help");
	}

	private static Map<String, String> flags(String[] args) {
		Map<String, String> flags = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i++) {
			if (!args[i].startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument " + args[i]);
			}
			String[] nameAndValue = args[i].substring(2).split("=", 2);
			String name = nameAndValue[0];
			if (nameAndValue.length == 2) {
				flags.put(name, nameAndValue[1]);
			}
			else if (SWITCHES.contains(name)) {
				flags.put(name, "true");
			}
			else if (i + 1 < args.length) {
				flags.put(name, args[++i]);
			}
			else {
				throw new IllegalArgumentException("--" + name + " needs a value");
			}
		}
		return flags;
	}

	/**
	 * Typed access to the raw values; remembers what was read to spot unknown options.
	 */
	private static final class Options {

		private final Map<String, String> values;

		private final List<String> read = new ArrayList<>(SWITCHES);

		Options(Map<String, String> values) {
			this.values = values;
		}

		String string(String name, String fallback) {
			this.read.add(name);
			return this.values.getOrDefault(name, fallback);
		}

		int integer(String name, int fallback) {
			Integer value = integer(name);
			return (value != null) ? value : fallback;
		}

		/** The whole number given, or {@code null} if none. */
		Integer integer(String name) {
			String value = string(name, null);
			try {
				return (value != null) ? Integer.valueOf(value.trim()) : null;
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("--" + name + " takes a whole number, not " + value);
			}
		}

		boolean flag(String name) {
			return Boolean.parseBoolean(string(name, "false"));
		}

		Duration duration(String name, Duration fallback) {
			String value = string(name, null);
			if (value == null) {
				return fallback;
			}
			Matcher matcher = DURATION.matcher(value.trim());
			if (!matcher.matches()) {
				throw new IllegalArgumentException(
						"--" + name + " takes a duration like 500ms, 5s or 1m, not " + value);
			}
			long amount = Long.parseLong(matcher.group(1));
			return switch (matcher.group(2)) {
				case "ms" -> Duration.ofMillis(amount);
				case "s" -> Duration.ofSeconds(amount);
				default -> Duration.ofMinutes(amount);
			};
		}

		List<String> list(String name) {
			String value = string(name, "");
			return Arrays.stream(value.split(",")).map(String::trim).filter((item) -> !item.isEmpty()).toList();
		}

		void rejectUnknown() {
			this.values.keySet().stream().filter((name) -> !this.read.contains(name)).findFirst().ifPresent((name) -> {
				throw new IllegalArgumentException("Unknown option --" + name);
			});
		}

	}

}

package io.inferq.infra.aws;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import io.inferq.config.InferqAwsProperties;
import io.inferq.message.sqs.JobQueues;
import io.inferq.store.dynamodb.JobTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds the deployment template to the definitions in the code: the queue and table as
 * {@link JobQueues} and {@link JobTable} define them, the apps' configuration properties,
 * and who may invoke the endpoint. Parsing with a plain YAML parser also proves the
 * template uses no short-form ({@code !Ref}) tags.
 */
class CloudFormationTemplateTest {

	private static final Path TEMPLATE = Path.of("aws", "inferq.yaml");

	/**
	 * The worker's properties, read from source: infra does not depend on the worker
	 * module.
	 */
	private static final Path WORKER_PROPERTIES = Path.of("..", "worker", "src", "main", "java", "io", "inferq",
			"worker", "config", "WorkerProperties.java");

	/** Spring Boot's and Spring Cloud AWS's own properties the template sets. */
	private static final Map<String, String> SPRING_VARIABLES = Map.of("SERVER_ADDRESS", "server.address",
			"MANAGEMENT_SERVER_PORT", "management.server.port", "MANAGEMENT_SERVER_ADDRESS",
			"management.server.address", "SPRING_CLOUD_AWS_REGION_STATIC", "spring.cloud.aws.region.static");

	private static Map<String, Object> template;

	@BeforeAll
	static void parseTemplate() throws IOException {
		try (Reader reader = Files.newBufferedReader(TEMPLATE, StandardCharsets.UTF_8)) {
			template = new Yaml().load(reader);
		}
	}

	@Test
	void nameParameters_shouldDefaultToTheNamesTheAppsUse() {
		assertThat(parameterDefault("TableName")).isEqualTo(JobTable.DEFAULT_NAME);
		assertThat(parameterDefault("QueueName")).isEqualTo(JobQueues.DEFAULT_NAME);
		assertThat(parameterDefault("BulkQueueName")).isEqualTo(JobQueues.DEFAULT_BULK_NAME);
		assertThat(parameterDefault("DeadLetterQueueName")).isEqualTo(JobQueues.DEFAULT_DLQ_NAME);
	}

	@ParameterizedTest
	@CsvSource({ "JobsQueue, QueueName", "BulkJobsQueue, BulkQueueName" })
	void jobsQueues_shouldFollowJobQueues(String resource, String nameParameter) {
		Map<String, Object> queue = properties(resource);

		assertThat(queue.get("QueueName")).isEqualTo(ref(nameParameter));
		assertThat(number(queue.get("VisibilityTimeout"))).isEqualTo(JobQueues.VISIBILITY_TIMEOUT.toSeconds());
		Map<String, Object> redrive = map(queue.get("RedrivePolicy"));
		assertThat(number(redrive.get("maxReceiveCount"))).isEqualTo(JobQueues.MAX_RECEIVE_COUNT);
		assertThat(redrive.get("deadLetterTargetArn")).isEqualTo(getAtt("DeadLetterQueue", "Arn"));
		assertThat(properties("DeadLetterQueue").get("QueueName")).isEqualTo(ref("DeadLetterQueueName"));
	}

	@Test
	void jobsTable_shouldFollowJobTable() {
		Map<String, Object> table = properties("JobsTable");

		assertThat(table.get("TableName")).isEqualTo(ref("TableName"));
		assertThat(list(table.get("KeySchema")))
			.containsExactly(Map.of("AttributeName", JobTable.KEY, "KeyType", "HASH"));
		assertThat(list(table.get("AttributeDefinitions")))
			.containsExactly(Map.of("AttributeName", JobTable.KEY, "AttributeType", "S"));
		assertThat(table.get("BillingMode")).isEqualTo(JobTable.createTableRequest("jobs").billingModeAsString());
		assertThat(table.get("TimeToLiveSpecification"))
			.isEqualTo(Map.of("AttributeName", JobTable.TTL_ATTRIBUTE, "Enabled", true));
		assertThat(table.get("PointInTimeRecoverySpecification")).isEqualTo(Map.of("PointInTimeRecoveryEnabled", true));
		assertThat(table.get("SSESpecification")).isEqualTo(Map.of("SSEEnabled", true));
	}

	@Test
	void workerTaskRole_shouldInvokeTheEndpointAndTheApiTaskRoleShouldNot() {
		Map<String, Object> workerRole = taskRoleOf("worker");
		Map<String, Object> apiRole = taskRoleOf("api");

		assertThat(allowedActions(workerRole)).contains("sagemaker:InvokeEndpoint");
		assertThat(allowedActions(apiRole)).isNotEmpty()
			.noneMatch((action) -> action.equals("*") || action.startsWith("sagemaker:"));
		assertThat(Stream.of(workerRole, apiRole)).as("task roles take no managed policies")
			.noneMatch((role) -> map(role.get("Properties")).containsKey("ManagedPolicyArns"));
		assertThat(allowStatements(workerRole))
			.filteredOn((statement) -> actions(statement).contains("sagemaker:InvokeEndpoint"))
			.singleElement()
			.satisfies((statement) -> assertThat(statement.get("Resource")).isNotEqualTo("*"));
	}

	@Test
	void taskDefinitions_shouldSetOnlyVariablesThatBindToRealProperties() throws IOException {
		Map<String, String> known = new LinkedHashMap<>(SPRING_VARIABLES);
		known.putAll(variables(InferqAwsProperties.PREFIX,
				Arrays.stream(InferqAwsProperties.class.getRecordComponents()).map(RecordComponent::getName).toList()));
		RecordSource worker = RecordSource.parse(WORKER_PROPERTIES);
		known.putAll(variables(worker.prefix(), worker.components()));

		List<String> set = Stream.of("api", "worker").flatMap((name) -> environment(name).keySet().stream()).toList();

		assertThat(set).isNotEmpty().allSatisfy((variable) -> {
			assertThat(known)
				.as("%s is not the environment form of a property of InferqAwsProperties or "
						+ "WorkerProperties (or a known Spring one)", variable)
				.containsKey(variable);
			assertThat(bindsTo(variable, known.get(variable)))
				.as("Spring Boot binds %s to %s", variable, known.get(variable))
				.isTrue();
		});
	}

	/**
	 * The apps listen on 127.0.0.1 unless told otherwise; the load balancer reaches the
	 * API's port and, for its health checks, actuator's.
	 */
	@Test
	void apiContainer_shouldListenOnEveryInterface_whereTheLoadBalancerReachesIt() {
		Map<String, Object> environment = environment("api");
		Map<String, Object> targets = properties("ApiTargetGroup");

		assertThat(environment).containsEntry("SERVER_ADDRESS", "0.0.0.0")
			.containsEntry("MANAGEMENT_SERVER_ADDRESS", "0.0.0.0")
			.containsEntry("MANAGEMENT_SERVER_PORT", targets.get("HealthCheckPort"));
		assertThat(number(targets.get("Port"))).isEqualTo(8080);
		assertThat(containers(taskDefinitionOf("api")).get(0).get("PortMappings")).asString()
			.contains("ContainerPort=8080", "ContainerPort=8081");
	}

	@Test
	void bothApps_shouldUseTheTemplatesTableAndQueues() {
		for (String app : List.of("api", "worker")) {
			Map<String, Object> environment = environment(app);
			assertThat(environment.get("INFERQ_AWS_TABLE_NAME")).as(app).isEqualTo(ref("JobsTable"));
			assertThat(environment.get("INFERQ_AWS_QUEUE_NAME")).as(app).isEqualTo(getAtt("JobsQueue", "QueueName"));
			assertThat(environment.get("INFERQ_AWS_BULK_QUEUE_NAME")).as(app)
				.isEqualTo(getAtt("BulkJobsQueue", "QueueName"));
			assertThat(environment.get("INFERQ_AWS_DEAD_LETTER_QUEUE_NAME")).as(app)
				.isEqualTo(getAtt("DeadLetterQueue", "QueueName"));
		}
	}

	/** Whether Spring Boot's relaxed binding reads {@code property} from the variable. */
	private static boolean bindsTo(String variable, String property) {
		SystemEnvironmentPropertySource environment = new SystemEnvironmentPropertySource(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "value"));
		return ConfigurationPropertySource.from(environment)
			.getConfigurationProperty(ConfigurationPropertyName.of(property)) != null;
	}

	/** Environment variable (TABLE_NAME) to property (table-name) for each component. */
	private static Map<String, String> variables(String prefix, List<String> components) {
		Map<String, String> variables = new LinkedHashMap<>();
		for (String component : components) {
			String kebab = component.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
			String variable = (prefix + "." + kebab).replace('.', '_').replace('-', '_').toUpperCase();
			variables.put(variable, prefix + "." + kebab);
		}
		return variables;
	}

	private static Object parameterDefault(String name) {
		return map(map(template.get("Parameters")).get(name)).get("Default");
	}

	private static Map<String, Object> resource(String logicalId) {
		Map<String, Object> resource = map(map(template.get("Resources")).get(logicalId));
		assertThat(resource).as("resource %s", logicalId).isNotNull();
		return resource;
	}

	private static Map<String, Object> properties(String logicalId) {
		return map(resource(logicalId).get("Properties"));
	}

	private static Stream<Map<String, Object>> resourcesOfType(String type) {
		return map(template.get("Resources")).values()
			.stream()
			.map(CloudFormationTemplateTest::map)
			.filter((resource) -> type.equals(resource.get("Type")));
	}

	/** The task definition with the container of that name. */
	private static Map<String, Object> taskDefinitionOf(String container) {
		List<Map<String, Object>> found = resourcesOfType("AWS::ECS::TaskDefinition")
			.map((resource) -> map(resource.get("Properties")))
			.filter((properties) -> containers(properties).stream().anyMatch((c) -> container.equals(c.get("Name"))))
			.toList();
		assertThat(found).as("task definitions with a container named %s", container).hasSize(1);
		return found.get(0);
	}

	private static List<Map<String, Object>> containers(Map<String, Object> taskDefinition) {
		return list(taskDefinition.get("ContainerDefinitions")).stream().map(CloudFormationTemplateTest::map).toList();
	}

	private static Map<String, Object> environment(String container) {
		Map<String, Object> environment = new LinkedHashMap<>();
		containers(taskDefinitionOf(container)).stream()
			.filter((c) -> container.equals(c.get("Name")))
			.flatMap((c) -> list(c.get("Environment")).stream())
			.map(CloudFormationTemplateTest::map)
			.forEach((variable) -> environment.put((String) variable.get("Name"), variable.get("Value")));
		return environment;
	}

	/** The role that {@code TaskRoleArn: {Fn::GetAtt: [Role, Arn]}} names. */
	private static Map<String, Object> taskRoleOf(String container) {
		List<Object> getAtt = list(map(taskDefinitionOf(container).get("TaskRoleArn")).get("Fn::GetAtt"));
		assertThat(getAtt).as("TaskRoleArn of %s", container).hasSize(2).endsWith("Arn");
		Map<String, Object> role = resource((String) getAtt.get(0));
		assertThat(role.get("Type")).isEqualTo("AWS::IAM::Role");
		return role;
	}

	private static List<Map<String, Object>> allowStatements(Map<String, Object> role) {
		return list(map(role.get("Properties")).get("Policies")).stream()
			.map((policy) -> map(map(policy).get("PolicyDocument")))
			.flatMap((document) -> list(document.get("Statement")).stream())
			.map(CloudFormationTemplateTest::map)
			.filter((statement) -> "Allow".equals(statement.get("Effect")))
			.toList();
	}

	private static List<String> allowedActions(Map<String, Object> role) {
		return allowStatements(role).stream().flatMap((statement) -> actions(statement).stream()).toList();
	}

	private static List<String> actions(Map<String, Object> statement) {
		Object action = statement.get("Action");
		return (action instanceof String single) ? List.of(single)
				: list(action).stream().map(String.class::cast).toList();
	}

	private static Map<String, Object> ref(String logicalId) {
		return Map.of("Ref", logicalId);
	}

	private static Map<String, Object> getAtt(String logicalId, String attribute) {
		return Map.of("Fn::GetAtt", List.of(logicalId, attribute));
	}

	private static long number(Object value) {
		assertThat(value).isInstanceOf(Number.class);
		return ((Number) value).longValue();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(Object value) {
		return (value != null) ? (List<Object>) value : List.of();
	}

	/**
	 * A configuration properties record read from its source with the JDK's own parser:
	 * its {@code PREFIX} and its components (a record's only instance fields).
	 */
	private record RecordSource(String prefix, List<String> components) {

		static RecordSource parse(Path source) throws IOException {
			JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
			assertThat(compiler).as("a JDK (not a JRE) runs the tests").isNotNull();
			try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
				JavacTask task = (JavacTask) compiler.getTask(null, files, null, List.of("-proc:none"), null,
						files.getJavaFileObjects(source));
				String prefix = null;
				List<String> components = new ArrayList<>();
				for (CompilationUnitTree unit : task.parse()) {
					for (Tree type : unit.getTypeDecls()) {
						if (type.getKind() != Tree.Kind.RECORD) {
							continue;
						}
						for (Tree member : ((ClassTree) type).getMembers()) {
							if (!(member instanceof VariableTree field)) {
								continue;
							}
							if (!field.getModifiers().getFlags().contains(Modifier.STATIC)) {
								components.add(field.getName().toString());
							}
							else if (field.getName().contentEquals("PREFIX")
									&& field.getInitializer() instanceof LiteralTree literal) {
								prefix = (String) literal.getValue();
							}
						}
					}
				}
				assertThat(prefix).as("PREFIX of the record in %s", source).isNotBlank();
				assertThat(components).as("components of the record in %s", source).isNotEmpty();
				return new RecordSource(prefix, components);
			}
		}

	}

}

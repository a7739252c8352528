package io.inferq.infra.aws;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.inferq.config.InferqAwsProperties;
import io.inferq.config.NotificationTopicsProperties;
import io.inferq.message.sqs.JobQueues;
import io.inferq.message.sqs.SqsJobEndInbox;
import io.inferq.payload.s3.PayloadBucket;
import io.inferq.store.dynamodb.JobTable;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Holds the deployment template to the definitions in the code: the queue and table as
 * {@link JobQueues} and {@link JobTable} define them, the apps' configuration properties,
 * who may invoke the endpoint, and the metric the worker publishes and the endpoint
 * scales on; and to how it scales. Parsing with a plain YAML parser also proves the
 * template uses no short-form ({@code !Ref}) tags. Where {@code cfn-lint} is installed,
 * it must find nothing.
 */
class CloudFormationTemplateTest {

	private static final Path TEMPLATE = Path.of("aws", "inferq.yaml");

	/** The worker's sources: infra does not depend on the worker module. */
	private static final Path WORKER_SOURCES = Path.of("..", "worker", "src", "main", "java");

	/** The API's sources: infra does not depend on the api module either. */
	private static final Path API_SOURCES = Path.of("..", "api", "src", "main", "java");

	/** The worker's class that writes the backlog metric, and names it. */
	private static final String METRIC_WRITER = "CloudWatchBacklogMetricWriter";

	/** Spring Boot's and Spring Cloud AWS's own properties the template sets. */
	private static final Map<String, String> SPRING_VARIABLES = Map.of("SERVER_ADDRESS", "server.address",
			"MANAGEMENT_SERVER_PORT", "management.server.port", "MANAGEMENT_SERVER_ADDRESS",
			"management.server.address", "SPRING_CLOUD_AWS_REGION_STATIC", "spring.cloud.aws.region.static",
			"SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI",
			"spring.security.oauth2.resourceserver.jwt.issuer-uri");

	private static Map<String, Object> template;

	private static AppSources worker;

	private static AppSources api;

	@BeforeAll
	static void parseTemplate() throws IOException {
		try (Reader reader = Files.newBufferedReader(TEMPLATE, StandardCharsets.UTF_8)) {
			template = new Yaml().load(reader);
		}
		worker = AppSources.parse(WORKER_SOURCES);
		api = AppSources.parse(API_SOURCES);
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
		CreateTableRequest definition = JobTable.createTableRequest("jobs");
		assertThat(list(table.get("AttributeDefinitions")))
			.containsExactlyInAnyOrderElementsOf(definition.attributeDefinitions()
				.stream()
				.map((attribute) -> Map.of("AttributeName", attribute.attributeName(), "AttributeType",
						attribute.attributeTypeAsString()))
				.toList());
		assertThat(list(table.get("GlobalSecondaryIndexes")))
			.containsExactlyInAnyOrderElementsOf(definition.globalSecondaryIndexes()
				.stream()
				.map((index) -> Map.of("IndexName", index.indexName(), "KeySchema", index.keySchema()
					.stream()
					.map((key) -> Map.of("AttributeName", key.attributeName(), "KeyType", key.keyTypeAsString()))
					.toList(), "Projection", Map.of("ProjectionType", index.projection().projectionTypeAsString())))
				.toList());
		assertThat(table.get("BillingMode")).isEqualTo(JobTable.createTableRequest("jobs").billingModeAsString());
		assertThat(table.get("TimeToLiveSpecification"))
			.isEqualTo(Map.of("AttributeName", JobTable.TTL_ATTRIBUTE, "Enabled", true));
		assertThat(table.get("PointInTimeRecoverySpecification")).isEqualTo(Map.of("PointInTimeRecoveryEnabled", true));
		assertThat(table.get("SSESpecification"))
			.isEqualTo(Map.of("SSEEnabled", true, "SSEType", "KMS", "KMSMasterKeyId", ref("DataKey")));
	}

	@Test
	void queuesAndTable_shouldBeEncryptedWithTheStacksKmsKey_whichOutlivesTheStackLikeTheTable() {
		for (String queue : List.of("JobsQueue", "BulkJobsQueue", "DeadLetterQueue")) {
			assertThat(properties(queue)).as(queue)
				.containsEntry("KmsMasterKeyId", ref("DataKey"))
				.doesNotContainKey("SqsManagedSseEnabled");
		}
		assertThat(resource("DataKey")).containsEntry("DeletionPolicy", "Retain");
		assertThat(properties("DataKey")).containsEntry("EnableKeyRotation", true);
		for (String app : List.of("api", "worker")) {
			assertThat(allowStatements(taskRoleOf(app)))
				.filteredOn((statement) -> actions(statement).stream().anyMatch((action) -> action.startsWith("kms:")))
				.singleElement()
				.satisfies((statement) -> {
					assertThat(statement.get("Resource")).isEqualTo(getAtt("DataKey", "Arn"));
					assertThat(map(statement.get("Condition"))).containsKey("StringEquals");
				});
		}
	}

	@Test
	void loadBalancer_shouldEndTlsOnly_withTheGivenCertificate() {
		Map<String, Object> listener = properties("ApiListener");

		assertThat(number(listener.get("Port"))).isEqualTo(443);
		assertThat(listener.get("Protocol")).isEqualTo("HTTPS");
		assertThat(list(listener.get("Certificates"))).containsExactly(Map.of("CertificateArn", ref("CertificateArn")));
		assertThat(map(map(template.get("Parameters")).get("CertificateArn"))).doesNotContainKey("Default");
		assertThat(resourcesOfType("AWS::ElasticLoadBalancingV2::Listener")).hasSize(1);
		assertThat(list(properties("LoadBalancerSecurityGroup").get("SecurityGroupIngress")))
			.allSatisfy((rule) -> assertThat(number(map(rule).get("FromPort"))).isEqualTo(443));
	}

	@Test
	void tasks_shouldRunWithoutPublicAddresses() {
		for (String service : List.of("ApiService", "WorkerService")) {
			Map<String, Object> network = map(
					map(properties(service).get("NetworkConfiguration")).get("AwsvpcConfiguration"));
			assertThat(network).as(service).containsEntry("AssignPublicIp", "DISABLED");
		}
		assertThat(map(template.get("Parameters"))).doesNotContainKey("AssignPublicIp");
	}

	@Test
	void api_shouldValidateJwtsOfTheStacksUserPoolOrAGivenIssuer() {
		Map<String, Object> environment = environment("api");
		Map<String, Object> issuer = map(environment.get("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI"));

		assertThat(list(issuer.get("Fn::If")).get(0)).isEqualTo("CreatesUserPool");
		assertThat(list(issuer.get("Fn::If")).get(2)).isEqualTo(ref("JwtIssuer"));
		assertThat(environment.get("INFERQ_API_SECURITY_TENANT_CLAIM")).isEqualTo(ref("TenantClaim"));
		assertThat(resource("UserPool")).containsEntry("Condition", "CreatesUserPool");
		assertThat(allowStatements(taskRoleOf("api")))
			.filteredOn((statement) -> actions(statement).contains("dynamodb:Query"))
			.singleElement()
			.satisfies((statement) -> assertThat(statement.get("Resource"))
				.isEqualTo(Map.of("Fn::Sub", "${JobsTable.Arn}/index/*")));
	}

	@Test
	void apiKeyAdminPolicy_shouldReachOnlyApiKeyRecords() {
		List<Map<String, Object>> statements = list(
				map(properties("ApiKeyAdminPolicy").get("PolicyDocument")).get("Statement"))
			.stream()
			.map(CloudFormationTemplateTest::map)
			.toList();

		assertThat(statements)
			.filteredOn((statement) -> actions(statement).stream().anyMatch((action) -> action.startsWith("dynamodb:")))
			.hasSize(2)
			.allSatisfy((statement) -> assertThat(map(statement.get("Condition")).toString())
				.contains("dynamodb:LeadingKeys")
				.contains(JobTable.API_KEY_PREFIX));
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
	void jobEndInboxes_shouldBeManagedByTheApiAndToldByBoth_underTheJobsQueuesName() {
		Map<String, Object> inboxes = Map.of("Fn::Sub",
				"arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${QueueName}-watch-*");
		assertThat(allowStatements(taskRoleOf("api")))
			.filteredOn((statement) -> inboxes.equals(statement.get("Resource")))
			.singleElement()
			.satisfies((statement) -> assertThat(actions(statement)).contains("sqs:CreateQueue", "sqs:DeleteQueue",
					"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:SendMessage", "sqs:SetQueueAttributes"));
		assertThat(allowStatements(taskRoleOf("worker")))
			.filteredOn((statement) -> inboxes.equals(statement.get("Resource")))
			.singleElement()
			.satisfies((statement) -> assertThat(actions(statement)).containsExactly("sqs:SendMessage"));
		assertThat(SqsJobEndInbox.namePrefix("inferq-jobs")).isEqualTo("inferq-jobs-watch-");
	}

	@Test
	void taskDefinitions_shouldSetOnlyVariablesThatBindToRealProperties() {
		Map<String, String> known = new LinkedHashMap<>(SPRING_VARIABLES);
		Arrays.stream(InferqAwsProperties.class.getRecordComponents())
			.map((component) -> InferqAwsProperties.PREFIX + "." + kebab(component.getName()))
			.forEach((property) -> known.put(variable(property), property));
		Arrays.stream(InferqAwsProperties.Payloads.class.getRecordComponents())
			.map((component) -> InferqAwsProperties.PREFIX + ".payloads." + kebab(component.getName()))
			.forEach((property) -> known.put(variable(property), property));
		Arrays.stream(NotificationTopicsProperties.class.getRecordComponents())
			.map((component) -> NotificationTopicsProperties.PREFIX + "." + kebab(component.getName()))
			.forEach((property) -> known.put(variable(property), property));
		List<String> workerProperties = worker.configurationProperties();
		assertThat(workerProperties).as("the worker's properties").contains("inferq.worker.endpoint-name");
		workerProperties.forEach((property) -> known.put(variable(property), property));
		List<String> apiProperties = api.configurationProperties();
		assertThat(apiProperties).as("the API's properties").contains("inferq.api.security.tenant-claim");
		apiProperties.forEach((property) -> known.put(variable(property), property));
		assertThat(workerProperties).as("the worker's cluster-wide budget settings")
			.contains("inferq.worker.concurrency.mode", "inferq.worker.concurrency.cap");

		List<String> set = Stream.of("api", "worker").flatMap((name) -> environment(name).keySet().stream()).toList();

		assertThat(set).isNotEmpty().allSatisfy((variable) -> {
			assertThat(known)
				.as("%s is not the environment form of a property of InferqAwsProperties or "
						+ "of the worker's or the API's configuration properties (or a known Spring one)", variable)
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

	@Test
	void workers_shouldShareTheEndpointWhateverTheirNumber() {
		Map<String, Object> parameters = map(template.get("Parameters"));
		assertThat(map(template.get("Rules"))).doesNotContainKey("FollowingWorkerRunsAlone");
		assertThat(parameters).doesNotContainKeys("FollowEndpointCapacity", "WorkerDesiredCount");
		assertThat(parameters.values()).map((parameter) -> String.valueOf(map(parameter).get("Description")))
			.noneMatch((description) -> description.contains("EACH worker task"));
		assertThat(environment("worker"))
			.doesNotContainKeys("INFERQ_WORKER_INSTANCES", "INFERQ_WORKER_REQUESTS_PER_INSTANCE",
					"INFERQ_WORKER_FOLLOW_ENDPOINT_CAPACITY")
			.containsEntry("INFERQ_WORKER_CONCURRENCY_MODE", ref("ConcurrencyMode"));
	}

	@Test
	void workerService_shouldScaleOnCpuFromTwoTasksUp() {
		Map<String, Object> minCount = map(map(template.get("Parameters")).get("WorkerMinCount"));
		assertThat(number(minCount.get("Default"))).isGreaterThanOrEqualTo(2);
		assertThat(number(minCount.get("MinValue"))).isGreaterThanOrEqualTo(2);
		assertThat(properties("WorkerService")).as("autoscaling, not the template, sets the worker count")
			.doesNotContainKey("DesiredCount");

		Map<String, Object> target = properties("WorkerScalableTarget");
		assertThat(target).containsEntry("ServiceNamespace", "ecs")
			.containsEntry("ScalableDimension", "ecs:service:DesiredCount")
			.containsEntry("ResourceId", Map.of("Fn::Sub", "service/${Cluster}/${WorkerService.Name}"))
			.containsEntry("MinCapacity", ref("WorkerMinCount"))
			.containsEntry("MaxCapacity", ref("WorkerMaxCount"));
		Map<String, Object> policy = targetTrackingOf("WorkerScalableTarget");
		assertThat(policy).containsEntry("TargetValue", ref("WorkerCpuTarget"))
			.containsEntry("PredefinedMetricSpecification",
					Map.of("PredefinedMetricType", "ECSServiceAverageCPUUtilization"));
	}

	@Test
	void workerTaskRole_shouldPublishTheBacklogMetricOnlyInItsNamespace() {
		Map<String, Object> role = taskRoleOf("worker");

		assertThat(allowStatements(role))
			.filteredOn(
					(statement) -> actions(statement).stream().anyMatch((action) -> action.startsWith("cloudwatch:")))
			.singleElement()
			.satisfies((statement) -> {
				assertThat(actions(statement)).containsExactly("cloudwatch:PutMetricData");
				assertThat(statement.get("Condition")).isEqualTo(Map.of("StringEquals",
						Map.of("cloudwatch:namespace", worker.constant(METRIC_WRITER, "NAMESPACE"))));
			});
		assertThat(allowStatements(role))
			.filteredOn((statement) -> actions(statement).contains("sqs:GetQueueAttributes"))
			.singleElement()
			.satisfies((statement) -> assertThat(list(statement.get("Resource")))
				.containsExactlyInAnyOrder(getAtt("JobsQueue", "Arn"), getAtt("BulkJobsQueue", "Arn")));
		assertThat(environment("worker")).containsEntry("INFERQ_WORKER_BACKLOG_METRIC_ENABLED", "true");
	}

	@Test
	void endpointScaling_shouldBeOptionalAndTrackTheWorkersBacklogMetric() {
		assertThat(parameterDefault("EnableEndpointAutoScaling")).isEqualTo("false");
		assertThat(map(template.get("Conditions")).get("ScalesEndpoint"))
			.isEqualTo(Map.of("Fn::Equals", List.of(ref("EnableEndpointAutoScaling"), "true")));
		assertThat(resourcesOfType("AWS::ApplicationAutoScaling::ScalableTarget")
			.filter((resource) -> "sagemaker".equals(map(resource.get("Properties")).get("ServiceNamespace"))))
			.isNotEmpty()
			.allSatisfy((resource) -> assertThat(resource.get("Condition")).isEqualTo("ScalesEndpoint"));
		assertThat(resource("EndpointBacklogScalingPolicy").get("Condition")).isEqualTo("ScalesEndpoint");

		assertThat(properties("EndpointScalableTarget"))
			.containsEntry("ScalableDimension", "sagemaker:variant:DesiredInstanceCount")
			.containsEntry("ResourceId", Map.of("Fn::Sub", "endpoint/${EndpointName}/variant/${EndpointVariantName}"))
			.containsEntry("MinCapacity", ref("EndpointMinInstances"))
			.containsEntry("MaxCapacity", ref("EndpointMaxInstances"));
		Map<String, Object> policy = targetTrackingOf("EndpointScalableTarget");
		assertThat(policy).containsEntry("TargetValue", ref("TargetBacklogPerInstance"));
		assertThat(policy.get("CustomizedMetricSpecification"))
			.isEqualTo(Map.of("Namespace", worker.constant(METRIC_WRITER, "NAMESPACE"), "MetricName",
					worker.constant(METRIC_WRITER, "METRIC_NAME"), "Dimensions", List.of(Map.of("Name",
							worker.constant(METRIC_WRITER, "ENDPOINT_DIMENSION"), "Value", ref("EndpointName"))),
					"Statistic", "Average"));
		assertThat(list(map(map(template.get("Rules")).get("ScaledEndpointIsFollowed")).get("Assertions")))
			.as("endpoint scaling needs workers that follow the endpoint")
			.extracting((assertion) -> map(assertion).get("Assert"))
			.containsExactly(Map.of("Fn::Equals", List.of(ref("ConcurrencyMode"), "endpoint")));
	}

	@Test
	void cfnLint_shouldFindNothing() throws IOException, InterruptedException {
		assumeTrue(CfnLint.runs(), "cfn-lint is not on the PATH (pip install cfn-lint to run this test)");

		CfnLint.Result lint = CfnLint.check(TEMPLATE);

		assertThat(lint.exitCode()).as("cfn-lint's exit code; it said:%n%s", lint.output()).isZero();
		assertThat(lint.output()).isEmpty();
	}

	/**
	 * The target tracking configuration of the one scaling policy of a scalable target.
	 */
	private static Map<String, Object> targetTrackingOf(String scalableTarget) {
		List<Map<String, Object>> policies = resourcesOfType("AWS::ApplicationAutoScaling::ScalingPolicy")
			.map((resource) -> map(resource.get("Properties")))
			.filter((policy) -> ref(scalableTarget).equals(policy.get("ScalingTargetId")))
			.toList();
		assertThat(policies).as("scaling policies of %s", scalableTarget).singleElement();
		assertThat(policies.get(0).get("PolicyType")).isEqualTo("TargetTrackingScaling");
		return map(policies.get(0).get("TargetTrackingScalingPolicyConfiguration"));
	}

	@Test
	void payloadsBucket_shouldBeEncryptedPrivateAndExpireAfterTheJobsRetention() {
		Map<String, Object> bucket = properties("PayloadsBucket");

		assertThat(bucket.get("PublicAccessBlockConfiguration")).isEqualTo(Map.of("BlockPublicAcls", true,
				"BlockPublicPolicy", true, "IgnorePublicAcls", true, "RestrictPublicBuckets", true));
		assertThat(map(list(map(bucket.get("BucketEncryption")).get("ServerSideEncryptionConfiguration")).get(0)))
			.containsEntry("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256"));
		Map<String, Object> rule = map(list(map(bucket.get("LifecycleConfiguration")).get("Rules")).get(0));
		assertThat(rule).containsEntry("Status", "Enabled")
			.containsEntry("Prefix", PayloadBucket.DEFAULT_PREFIX)
			.containsEntry("ExpirationInDays", ref("PayloadExpirationDays"));
		assertThat(number(parameterDefault("PayloadExpirationDays"))).isEqualTo(
				PayloadBucket.expirationDays(DurationStyle.detectAndParse((String) parameterDefault("JobRetention"))));
		for (String app : List.of("api", "worker")) {
			assertThat(environment(app).get("INFERQ_AWS_PAYLOADS_BUCKET_NAME")).as(app)
				.isEqualTo(ref("PayloadsBucket"));
		}
	}

	@ParameterizedTest
	@CsvSource({ "ApiPayloadsPolicy, ApiTaskRole", "WorkerPayloadsPolicy, WorkerTaskRole" })
	void payloadPolicies_shouldReachOnlyThePayloadsPrefixAndReadClientsObjects(String policy, String role) {
		Map<String, Object> properties = properties(policy);
		List<Map<String, Object>> statements = list(map(properties.get("PolicyDocument")).get("Statement")).stream()
			.map(CloudFormationTemplateTest::map)
			.toList();

		assertThat(properties.get("RoleName")).isEqualTo(ref(role));
		assertThat(statements.get(0)).containsEntry("Resource",
				Map.of("Fn::Sub", "${PayloadsBucket.Arn}/" + PayloadBucket.DEFAULT_PREFIX + "*"));
		assertThat(actions(statements.get(0))).allMatch((action) -> action.startsWith("s3:") && !action.contains("*"));
		Map<String, Object> input = map(list(map(statements.get(1)).get("Fn::If")).get(1));
		assertThat(actions(input)).containsExactly("s3:GetObject");
		assertThat(input.get("Resource")).isEqualTo(ref("InputObjectsArn"));
	}

	/** Whether Spring Boot's relaxed binding reads {@code property} from the variable. */
	private static boolean bindsTo(String variable, String property) {
		SystemEnvironmentPropertySource environment = new SystemEnvironmentPropertySource(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "value"));
		return ConfigurationPropertySource.from(environment)
			.getConfigurationProperty(ConfigurationPropertyName.of(property)) != null;
	}

	/**
	 * The environment variable of a property: INFERQ_AWS_TABLE_NAME for
	 * inferq.aws.table-name.
	 */
	private static String variable(String property) {
		return property.replace('.', '_').replace('-', '_').toUpperCase();
	}

	private static String kebab(String component) {
		return component.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
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

	/**
	 * The container's variables; of one set under a condition ({@code Fn::If: [c, {Name,
	 * Value}, {Ref: AWS::NoValue}]}), every value it may take.
	 */
	private static Map<String, Object> environment(String container) {
		Map<String, Object> environment = new LinkedHashMap<>();
		containers(taskDefinitionOf(container)).stream()
			.filter((c) -> container.equals(c.get("Name")))
			.flatMap((c) -> list(c.get("Environment")).stream())
			.map(CloudFormationTemplateTest::map)
			.flatMap((entry) -> entry.containsKey("Fn::If") ? list(entry.get("Fn::If")).stream().skip(1)
					: Stream.of(entry))
			.map(CloudFormationTemplateTest::map)
			.filter((variable) -> !variable.equals(ref("AWS::NoValue")))
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

}

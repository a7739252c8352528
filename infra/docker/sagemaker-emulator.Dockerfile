# The SageMaker endpoint emulator alone, from infra's executable jar; build from the repository root:
#   ./mvnw -pl infra -am package -DskipTests && docker compose build sagemaker
FROM eclipse-temurin:17.0.16_8-jre-noble

COPY infra/target/inferq-infra-0.1.0-SNAPSHOT-exec.jar /opt/inferq/local-aws.jar
USER 10001:10001
WORKDIR /opt/inferq
# Every launcher option also reads LOCAL_AWS_<OPTION> (see infra/README.md), e.g. LOCAL_AWS_INSTANCES=2. It binds
# 0.0.0.0, the only address compose can publish and the worker's container reach.
ENV LOCAL_AWS_BIND_ADDRESS=0.0.0.0 \
	LOCAL_AWS_SAGEMAKER_PORT=8090
EXPOSE 8090
# The emulator holds little: a bounded heap, whatever memory the host has.
ENTRYPOINT ["java", "-Xmx256m", "-jar", "/opt/inferq/local-aws.jar", "--only-sagemaker"]

package io.inferq.infra.test;

import io.inferq.infra.AwsEnvironment;
import io.inferq.infra.local.LocalAws;
import io.inferq.infra.sagemaker.SageMakerEmulator;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the JVM's {@link LocalAws#shared() shared} stand-ins: parameters of type
 * {@link LocalAws}, {@link AwsEnvironment} or {@link SageMakerEmulator} are resolved to
 * them, starting them on first use. <pre>{@code
 * &#64;ExtendWith(LocalAwsExtension.class)
 * class MyTest {
 *

&#64;Test
 *     void works(LocalAws aws) { ... }
 * }}</pre>
 */
public class LocalAwsExtension implements ParameterResolver {

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		Class<?> type = parameter.getParameter().getType();
		return type == LocalAws.class || type == AwsEnvironment.class || type == SageMakerEmulator.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		LocalAws aws = LocalAws.shared();
		return (parameter.getParameter().getType() == SageMakerEmulator.class) ? aws.sageMaker() : aws;
	}

}

package io.inferq.infra;

import io.inferq.infra.local.LocalAws;

/**
 * The scenarios against the in-process stand-ins.
 */
class LocalAwsScenariosTest extends AwsEnvironmentScenarios {

	@Override
	protected AwsEnvironment aws() {
		return LocalAws.shared();
	}

}

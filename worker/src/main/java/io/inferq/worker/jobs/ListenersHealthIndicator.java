package io.inferq.worker.jobs;

import java.util.Map;
import java.util.TreeMap;

import io.awspring.cloud.sqs.listener.MessageListenerContainer;
import io.awspring.cloud.sqs.listener.MessageListenerContainerRegistry;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether the worker still receives jobs: UP while every queue listener runs, DOWN once
 * one has stopped (as it does while the worker shuts down), so that a worker that takes
 * no more work is not counted as ready.
 */
class ListenersHealthIndicator implements HealthIndicator {

	private final MessageListenerContainerRegistry containers;

	ListenersHealthIndicator(MessageListenerContainerRegistry containers) {
		this.containers = containers;
	}

	@Override
	public Health health() {
		Map<String, String> listeners = new TreeMap<>();
		boolean allRunning = true;
		for (MessageListenerContainer<?> container : this.containers.getListenerContainers()) {
			boolean running = container.isRunning();
			listeners.put(container.getId(), running ? "running" : "stopped");
			allRunning &= running;
		}
		Health.Builder health = (allRunning && !listeners.isEmpty()) ? Health.up() : Health.down();
		return health.withDetail("listeners", listeners).build();
	}

}

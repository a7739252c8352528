package io.inferq.worker.payloads;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferq.concurrent.Futures;
import io.inferq.job.Payload;
import io.inferq.job.PayloadRef;
import io.inferq.payload.PayloadStore;
import io.inferq.payload.PayloadStoreException;

/** A {@link PayloadStore} in memory that can be made unreachable. */
class InMemoryPayloadStore implements PayloadStore {

	final Map<String, byte[]> objects = new ConcurrentHashMap<>();

	final AtomicInteger gets = new AtomicInteger();

	private final AtomicInteger keys = new AtomicInteger();

	volatile boolean down;

	Payload clientObject(String key, byte[] bytes, String contentType) {
		this.objects.put(key, bytes);
		return Payload.stored(PayloadRef.clientObject("s3://clients/" + key), contentType);
	}

	@Override
	public CompletableFuture<Payload> put(Payload inline) {
		if (this.down) {
			return Futures.failed(PayloadStoreException.unavailable("down", null));
		}
		String key = "payloads/" + this.keys.incrementAndGet();
		this.objects.put(key, inline.bytes().clone());
		return CompletableFuture.completedFuture(
				Payload.stored(new PayloadRef("inferq", key, inline.size(), "sha", true), inline.contentType()));
	}

	@Override
	public CompletableFuture<Payload> describe(Payload stored, long maxBytes) {
		return bytes(stored, maxBytes)
			.thenApply((bytes) -> Payload.stored(stored.ref().withSize(bytes.length), stored.contentType()));
	}

	@Override
	public CompletableFuture<Payload> get(Payload stored, long maxBytes) {
		this.gets.incrementAndGet();
		return bytes(stored, maxBytes).thenApply((bytes) -> new Payload(bytes, stored.contentType()));
	}

	@Override
	public CompletableFuture<InputStream> open(Payload stored) {
		return bytes(stored, Long.MAX_VALUE).thenApply(ByteArrayInputStream::new);
	}

	@Override
	public CompletableFuture<Void> delete(Payload stored) {
		this.objects.remove(stored.ref().key());
		return CompletableFuture.completedFuture(null);
	}

	private CompletableFuture<byte[]> bytes(Payload stored, long maxBytes) {
		if (this.down) {
			return Futures.failed(PayloadStoreException.unavailable("down", null));
		}
		byte[] bytes = this.objects.get(stored.ref().key());
		if (bytes == null) {
			return Futures.failed(new PayloadStoreException(PayloadStoreException.NOT_FOUND,
					"No object at " + stored.ref().uri(), true, null));
		}
		if (bytes.length > maxBytes) {
			return Futures.failed(
					new PayloadStoreException(PayloadStoreException.TOO_LARGE, "too large", true, bytes.length, null));
		}
		return CompletableFuture.completedFuture(bytes.clone());
	}

}

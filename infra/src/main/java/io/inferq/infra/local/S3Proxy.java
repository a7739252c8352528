package io.inferq.infra.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * S3Proxy (gaul/s3proxy), an S3-compatible server, in this JVM over a filesystem blob
 * store in a temporary directory, so that large payloads live on disk rather than in the
 * heap. Requests are not authenticated: any credentials are accepted, as by the other
 * stand-ins.
 * <p>
 * S3Proxy brings its own Jetty, jclouds and Logback, which would clash with the apps'
 * libraries, so it runs from its self-contained jar in a class loader of its own whose
 * parent is the platform class loader; the build puts the jar in
 * {@code infra/target/s3proxy} (see {@code infra/pom.xml}).
 */
final class S3Proxy implements AutoCloseable {

	private static final String PROPERTIES = "s3proxy.properties";

	private final URLClassLoader loader;

	private final Object server;

	private final Object context;

	private final Path directory;

	private final URI endpoint;

	private S3Proxy(URLClassLoader loader, Object server, Object context, Path directory, URI endpoint) {
		this.loader = loader;
		this.server = server;
		this.context = context;
		this.directory = directory;
		this.endpoint = endpoint;
	}

	/** Starts listening on {@code host}; port 0 picks a free one. Blocks until bound. */
	static S3Proxy start(String host, int port) throws Exception {
		Path directory = Files.createTempDirectory("inferq-s3-");
		URLClassLoader loader = new IsolatedLoader(jar().toUri().toURL());
		Thread thread = Thread.currentThread();
		ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(loader);
		try {
			Properties blobStore = new Properties();
			blobStore.setProperty("jclouds.filesystem.basedir", directory.toString());
			Class<?> contextBuilderType = loader.loadClass("org.jclouds.ContextBuilder");
			Object contextBuilder = contextBuilderType.getMethod("newBuilder", String.class).invoke(null, "filesystem");
			contextBuilder = contextBuilderType.getMethod("overrides", Properties.class)
				.invoke(contextBuilder, blobStore);
			Class<?> contextType = loader.loadClass("org.jclouds.blobstore.BlobStoreContext");
			Object context = contextBuilderType.getMethod("build", Class.class).invoke(contextBuilder, contextType);
			Object store = contextType.getMethod("getBlobStore").invoke(context);

			Properties proxy = new Properties();
			proxy.setProperty("s3proxy.endpoint", "http://" + host + ":" + port);
			proxy.setProperty("s3proxy.authorization", "none");
			Class<?> builderType = loader.loadClass("org.gaul.s3proxy.S3Proxy$Builder");
			Object builder = builderType.getMethod("fromProperties", Properties.class).invoke(null, proxy);
			builder = builderType.getMethod("blobStore", loader.loadClass("org.jclouds.blobstore.BlobStore"))
				.invoke(builder, store);
			Object server = builderType.getMethod("build").invoke(builder);
			server.getClass().getMethod("start").invoke(server);
			int boundPort = (int) server.getClass().getMethod("getPort").invoke(server);
			return new S3Proxy(loader, server, context, directory, URI.create("http://" + host + ":" + boundPort));
		}
		catch (InvocationTargetException ex) {
			loader.close();
			deleteQuietly(directory);
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
		finally {
			thread.setContextClassLoader(previous);
		}
	}

	/** S3Proxy's jar as the build left it, or else in the local Maven repository. */
	private static Path jar() {
		Properties where = new Properties();
		try (InputStream in = S3Proxy.class.getResourceAsStream(PROPERTIES)) {
			where.load(in);
		}
		catch (IOException | NullPointerException ex) {
			throw new IllegalStateException("infra's " + PROPERTIES + " is missing; build infra with ./mvnw", ex);
		}
		for (String candidate : new String[] { where.getProperty("built"), where.getProperty("repository") }) {
			if (candidate != null && Files.isRegularFile(Paths.get(candidate))) {
				return Paths.get(candidate);
			}
		}
		throw new IllegalStateException("S3Proxy's jar is neither at " + where.getProperty("built") + " nor at "
				+ where.getProperty("repository") + "; build infra with ./mvnw (it fetches org.gaul:s3proxy:"
				+ where.getProperty("version") + ":jar-with-dependencies)");
	}

	URI endpoint() {
		return this.endpoint;
	}

	@Override
	public void close() throws Exception {
		try {
			this.server.getClass().getMethod("stop").invoke(this.server);
			Method close = this.context.getClass().getMethod("close");
			close.setAccessible(true);
			close.invoke(this.context);
		}
		finally {
			this.loader.close();
			deleteQuietly(this.directory);
		}
	}

	private static void deleteQuietly(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// A temporary directory left behind is harmless.
		}
	}

	/**
	 * Loads S3Proxy's classes from its jar alone, and gives its Logback a configuration
	 * that logs warnings only.
	 */
	private static final class IsolatedLoader extends URLClassLoader {

		IsolatedLoader(URL jar) {
			super("s3proxy", new URL[] { jar }, ClassLoader.getPlatformClassLoader());
		}

		@Override
		public URL getResource(String name) {
			if (name.equals("logback.xml")) {
				return S3Proxy.class.getResource("s3proxy-logback.xml");
			}
			return super.getResource(name);
		}

	}

}

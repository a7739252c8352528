package io.inferq.api.web;

import java.io.IOException;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Sets the security headers of every response before anything else answers, so that
 * Tomcat's own refusals, Spring's answers and the job outputs all carry them:
 * <ul>
 * <li>{@code X-Content-Type-Options: nosniff}: a browser takes the content type as
 * sent;</li>
 * <li>{@code Content-Security-Policy}: nothing loads, nothing frames the response, and it
 * renders in a {@code sandbox} (no script runs, its origin is opaque), which matters for
 * the models' outputs, served with the type the model gave them. Swagger UI's own pages
 * get a policy that lets its scripts and styles from this origin run, still unframed; the
 * dashboard's pages get one that runs scripts and styles from this origin only (no inline
 * script or style, nothing from elsewhere) and calls this origin only;</li>
 * <li>{@code X-Frame-Options: DENY} for browsers without {@code frame-ancestors};</li>
 * <li>{@code Referrer-Policy: no-referrer}: job and batch IDs do not travel in
 * {@code Referer} headers;</li>
 * <li>{@code Cache-Control: no-store} on everything but Swagger UI's files: jobs, outputs
 * and problems are not kept by shared caches.</li>
 * </ul>
 */
class SecurityHeadersValve extends ValveBase {

	/** The policy of every response but Swagger UI's pages. */
	static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
			+ "form-action 'none'; sandbox";

	/** Swagger UI's: its scripts, styles (some inline) and images from this origin. */
	static final String SWAGGER_UI_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' "
			+ "'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

	/** The dashboard's: its own script, style and API calls, nothing else. */
	static final String DASHBOARD_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

	private static final String SWAGGER_UI = "/swagger-ui";

	private static final String DASHBOARD = "/dashboard";

	SecurityHeadersValve() {
		super(true);
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		String uri = request.getDecodedRequestURI();
		boolean swaggerUi = uri != null && uri.startsWith(SWAGGER_UI);
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("X-Frame-Options", "DENY");
		response.setHeader("Referrer-Policy", "no-referrer");
		boolean dashboard = uri != null && (uri.equals(DASHBOARD) || uri.startsWith(DASHBOARD + "/"));
		response.setHeader("Content-Security-Policy",
				swaggerUi ? SWAGGER_UI_POLICY : (dashboard ? DASHBOARD_POLICY : API_POLICY));
		if (!swaggerUi) {
			response.setHeader("Cache-Control", "no-store");
		}
		getNext().invoke(request, response);
	}

}

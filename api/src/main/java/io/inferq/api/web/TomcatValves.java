package io.inferq.api.web;

import org.apache.catalina.Host;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Puts the API's valves in the pipeline of Tomcat's host, where every request passes,
 * also those Tomcat refuses before they reach the application:
 * {@link SecurityHeadersValve} first, and {@link ProblemErrorReportValve} in place of the
 * error report valves of Tomcat and Spring Boot. Runs after Spring Boot's customizers, so
 * that it replaces theirs.
 */
@Component
class TomcatValves implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		factory.addContextCustomizers((context) -> {
			Host host = (Host) context.getParent();
			Pipeline pipeline = host.getPipeline();
			for (Valve valve : pipeline.getValves()) {
				if (valve instanceof ErrorReportValve || valve instanceof SecurityHeadersValve) {
					pipeline.removeValve(valve);
				}
			}
			pipeline.addValve(new SecurityHeadersValve());
			pipeline.addValve(new ProblemErrorReportValve());
			if (host instanceof StandardHost standardHost) {
				standardHost.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
			}
		});
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}

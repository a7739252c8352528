package io.inferq.infra.sns;

import java.util.UUID;

/**
 * The AWS Query protocol's XML answers:
 * {@code <ActionResponse xmlns><ActionResult>...</ActionResult><ResponseMetadata>}.
 */
final class Xml {

	static final String NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";

	private final StringBuilder xml = new StringBuilder();

	/** Opens an element. */
	Xml open(String name) {
		this.xml.append('<').append(name).append('>');
		return this;
	}

	/** Closes an element. */
	Xml close(String name) {
		this.xml.append("</").append(name).append('>');
		return this;
	}

	/** An element with escaped text. */
	Xml element(String name, String text) {
		return open(name).text(text).close(name);
	}

	private Xml text(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '<' -> this.xml.append("&lt;");
				case '>' -> this.xml.append("&gt;");
				case '&' -> this.xml.append("&amp;");
				case '"' -> this.xml.append("&quot;");
				case '\'' -> this.xml.append("&apos;");
				default -> this.xml.append(c);
			}
		}
		return this;
	}

	/**
	 * The whole answer to {@code action}, with {@code result} as its result's content.
	 */
	static String response(String action, Xml result) {
		Xml xml = new Xml();
		xml.xml.append('<').append(action).append("Response xmlns=\"").append(NAMESPACE).append("\">");
		if (result != null) {
			xml.open(action + "Result").append(result).close(action + "Result");
		}
		xml.open("ResponseMetadata").element("RequestId", UUID.randomUUID().toString()).close("ResponseMetadata");
		return xml.close(action + "Response").toString();
	}

	/** An error answer. */
	static String error(SnsError error) {
		Xml xml = new Xml();
		xml.xml.append("<ErrorResponse xmlns=\"").append(NAMESPACE).append("\">");
		xml.open("Error").element("Type", "Sender").element("Code", error.code());
		xml.element("Message", error.getMessage()).close("Error");
		xml.element("RequestId", UUID.randomUUID().toString());
		return xml.close("ErrorResponse").toString();
	}

	private Xml append(Xml other) {
		this.xml.append(other.xml);
		return this;
	}

	@Override
	public String toString() {
		return this.xml.toString();
	}

}

package io.inferq.infra.aws;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An app's main sources, read with the JDK's own parser (infra does not depend on the
 * apps): the configuration properties its {@code @ConfigurationProperties} records
 * declare, and its string constants. A prefix may be a literal, a constant, or a
 * concatenation of those; a component whose type is another record of the sources stands
 * for that record's properties under its name ({@code inferq.worker.x.y}).
 */
final class AppSources {

	private final Map<String, ClassTree> types = new HashMap<>();

	private AppSources() {
	}

	/** Parses every {@code .java} file under {@code root}. */
	static AppSources parse(Path root) throws IOException {
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		assertThat(compiler).as("a JDK (not a JRE) runs the tests").isNotNull();
		List<Path> files;
		try (Stream<Path> walk = Files.walk(root)) {
			files = walk.filter((file) -> file.toString().endsWith(".java")).toList();
		}
		assertThat(files).as("sources under %s", root).isNotEmpty();
		AppSources sources = new AppSources();
		try (StandardJavaFileManager manager = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
			JavacTask task = (JavacTask) compiler.getTask(null, manager, null, List.of("-proc:none"), null,
					manager.getJavaFileObjectsFromPaths(files));
			for (CompilationUnitTree unit : task.parse()) {
				unit.getTypeDecls().forEach(sources::add);
			}
		}
		return sources;
	}

	private void add(Tree type) {
		if (type instanceof ClassTree declared) {
			this.types.put(declared.getSimpleName().toString(), declared);
			declared.getMembers().forEach(this::add);
		}
	}

	/**
	 * Every property the {@code @ConfigurationProperties} records bind, in kebab case.
	 */
	List<String> configurationProperties() {
		List<String> properties = new ArrayList<>();
		for (ClassTree type : this.types.values()) {
			if (type.getKind() != Tree.Kind.RECORD) {
				continue;
			}
			for (AnnotationTree annotation : type.getModifiers().getAnnotations()) {
				if (annotation.getAnnotationType().toString().endsWith("ConfigurationProperties")) {
					ExpressionTree argument = annotation.getArguments().get(0);
					ExpressionTree prefix = (argument instanceof AssignmentTree assignment) ? assignment.getExpression()
							: argument;
					addProperties(type, evaluate(prefix, type), properties);
				}
			}
		}
		return properties;
	}

	private void addProperties(ClassTree record, String prefix, List<String> properties) {
		for (Tree member : record.getMembers()) {
			if (member instanceof VariableTree field && !field.getModifiers().getFlags().contains(Modifier.STATIC)) {
				String property = prefix + "." + kebab(field.getName().toString());
				ClassTree nested = this.types.get(simpleName(field.getType()));
				if (nested != null && nested.getKind() == Tree.Kind.RECORD && nested != record) {
					addProperties(nested, property, properties);
				}
				else {
					properties.add(property);
				}
			}
		}
	}

	/** The value of the string constant {@code type.name}. */
	String constant(String type, String name) {
		ClassTree declared = this.types.get(type);
		assertThat(declared).as("type %s in the sources", type).isNotNull();
		return evaluate(constantInitializer(declared, name), declared);
	}

	private ExpressionTree constantInitializer(ClassTree type, String name) {
		for (Tree member : type.getMembers()) {
			if (member instanceof VariableTree field && field.getName().contentEquals(name)
					&& field.getModifiers().getFlags().contains(Modifier.STATIC) && field.getInitializer() != null) {
				return field.getInitializer();
			}
		}
		throw new AssertionError("No constant " + name + " in " + type.getSimpleName());
	}

	private String evaluate(ExpressionTree expression, ClassTree scope) {
		if (expression instanceof LiteralTree literal && literal.getValue() instanceof String value) {
			return value;
		}
		if (expression instanceof ParenthesizedTree parenthesized) {
			return evaluate(parenthesized.getExpression(), scope);
		}
		if (expression instanceof BinaryTree binary && binary.getKind() == Tree.Kind.PLUS) {
			return evaluate(binary.getLeftOperand(), scope) + evaluate(binary.getRightOperand(), scope);
		}
		if (expression instanceof IdentifierTree identifier) {
			return evaluate(constantInitializer(scope, identifier.getName().toString()), scope);
		}
		if (expression instanceof MemberSelectTree select) {
			return constant(simpleName(select.getExpression()), select.getIdentifier().toString());
		}
		throw new AssertionError("Cannot evaluate " + expression + " in " + scope.getSimpleName());
	}

	/** {@code Duration} for {@code java.time.Duration}, {@code Outer.Inner} for Inner. */
	private static String simpleName(Tree type) {
		String name = type.toString();
		return name.substring(name.lastIndexOf('.') + 1);
	}

	private static String kebab(String component) {
		return component.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
	}

}

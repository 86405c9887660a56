package io.tunebook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code %maven} with Maven's real resolver against real repositories: a local repository laid out as Maven lays
 * it out (made here, so the test needs no network), the user's own {@code ~/.m2/repository} offline, and a remote
 * repository that cannot be reached.
 */
class MavenMagicTest {
    /** A port nothing listens on: connections are refused at once, as on a machine without network. */
    private static final String UNREACHABLE = "http://127.0.0.1:9/maven2";

    @TempDir
    static Path repo;
    private static TunebookKernel kernel;

    @BeforeAll
    static void start(@TempDir Path build) throws Exception {
        install(build, "greeting", "package greeting; public class Greeting { public static String word() { return \"bonjour\"; } }", null);
        install(build, "hello", "package hello; public class Hello { public static String greet() { return greeting.Greeting.word() + \" !\"; } }",
                "greeting");
        install(build, "other", "package other; public class Other { public static int n() { return 3; } }", null);
        kernel = TunebookKernel.builder().maven(new MavenResolver(repo, UNREACHABLE, false)).build();
        kernel.onStartup();
    }

    @AfterAll
    static void stop() {
        kernel.onShutdown(false);
    }

    /** Writes com.example:NAME:1.0 (jar and pom, depending on com.example:DEPENDENCY:1.0) into the local repository. */
    private static void install(Path build, String name, String source, String dependency) throws Exception {
        Path src = build.resolve(name);
        Files.createDirectories(src);
        String type = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        Path java = src.resolve(type + ".java");
        Files.writeString(java, source);
        int rc = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", src.toString(),
                "-cp", build.resolve("greeting").toString(), java.toString());
        assertEquals(0, rc, "compiles " + name);
        Path dir = Files.createDirectories(repo.resolve("com/example/" + name + "/1.0"));
        String cls = name + "/" + type + ".class";
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(dir.resolve(name + "-1.0.jar")))) {
            jar.putNextEntry(new JarEntry(cls));
            jar.write(Files.readAllBytes(src.resolve(cls)));
        }
        String deps = dependency == null ? "" : "<dependencies><dependency><groupId>com.example</groupId><artifactId>"
                + dependency + "</artifactId><version>1.0</version></dependency></dependencies>";
        Files.writeString(dir.resolve(name + "-1.0.pom"), "<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId>"
                + "<artifactId>" + name + "</artifactId><version>1.0</version>" + deps + "</project>");
    }

    @Test
    void anArtifactAndItsDependenciesResolveOfflineFromTheLocalRepository() {
        String out = TunebookKernelTest.printed(() -> kernel.eval("%maven --offline com.example:hello:1.0"));
        assertEquals("%maven added 2 jars: hello-1.0.jar greeting-1.0.jar", out.strip());
        assertEquals("bonjour !", kernel.eval("hello.Hello.greet()").getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void whatDoesNotResolveIsNamedInOneLineAndTheClassPathStaysAsItWas() {
        MagicUsageError e = assertThrows(MagicUsageError.class,
                () -> kernel.eval("%maven --offline com.example:other:1.0 com.example:absent:1.0"));
        assertTrue(e.getMessage().startsWith("%maven: com.example:other:1.0 com.example:absent:1.0 did not resolve offline from "
                + repo + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("com.example:absent"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(class path unchanged)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(List.of(e.getMessage()), kernel.formatError(e));
        // other resolved on its own, yet the failed cell added nothing: all or none.
        assertThrows(CompilationError.class, () -> kernel.eval("other.Other.n()"));
    }

    @Test
    void anUnreachableRepositoryIsSaidInOneLine() {
        MagicUsageError e = assertThrows(MagicUsageError.class, () -> kernel.eval("%maven com.example:absent:2.0"));
        assertTrue(e.getMessage().startsWith("%maven: com.example:absent:2.0 did not resolve: "), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:9"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void theUsersOwnLocalRepositoryServesOffline() {
        // A dependency of this very module: the build put it and its own dependencies in the user's local repository.
        MavenResolver user = MavenResolver.forUser();
        List<Path> jars = user.offline(true).resolve(List.of("org.dflib.jjava:jjava-jupyter:1.0-a6"));
        List<String> names = jars.stream().map(p -> p.getFileName().toString()).toList();
        assertEquals("jjava-jupyter-1.0-a6.jar", names.get(0), names::toString);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("jeromq-")), names::toString);
        assertTrue(jars.stream().allMatch(p -> p.startsWith(user.localRepository()) && Files.isRegularFile(p)), jars::toString);
    }
}

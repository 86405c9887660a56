package io.tunebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's test command alone passes on a fresh Debian machine: {@code ./mvnw} installs the Debian packages the
 * tests use when a build reaches the integration tests, as it installs Maven (as root, with apt-get). Run here with
 * apt-get, dpkg-query and mvn replaced by scripts that log their arguments.
 */
class WrapperTest {
    private static final Path WRAPPER = Path.of(System.getProperty("tunebook.root", "..")).resolve("mvnw");

    @TempDir
    Path bin;

    private List<String> run(String installed, String... args) throws Exception {
        Path log = bin.resolve("log");
        Files.writeString(log, "");
        stub("apt-get", "echo \"apt-get $*\" >> \"$STUB_LOG\"");
        stub("mvn", "echo \"mvn $*\" >> \"$STUB_LOG\"");
        // dpkg-query -W -f=... PACKAGE: installed when STUB_INSTALLED lists it
        stub("dpkg-query", "for p in $STUB_INSTALLED; do [ \"$p\" = \"$3\" ] && { printf 'install ok installed'; exit 0; }; done\nexit 1");
        List<String> command = new ArrayList<>(List.of("bash", WRAPPER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("STUB_LOG", log.toString());
        pb.environment().put("STUB_INSTALLED", installed);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return Files.readAllLines(log);
    }

    private void stub(String name, String body) throws Exception {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static boolean root() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().equals("0");
    }

    @Test
    void verifyInstallsTheMissingTestPackagesFirst() throws Exception {
        List<String> calls = run("chromium python3-ipykernel python3-torch", "-B", "verify");
        if (root()) {
            assertEquals(List.of("apt-get update -qq",
                    "apt-get install -y -qq --no-install-recommends python3-nbclient python3-nbconvert"
                            + " python3-jupyter-client", "mvn -B -B verify"), calls);
        } else {
            assertEquals(List.of("mvn -B -B verify"), calls); // NotebooksIT then names what to install
        }
    }

    @Test
    void buildsThatSkipTheTestsOrStopBeforeThemInstallNothing() throws Exception {
        assertEquals(List.of("mvn -B -q package -DskipTests"), run("", "-q", "package", "-DskipTests"));
        assertEquals(List.of("mvn -B install -DskipTests"), run("", "install", "-DskipTests"));
        assertEquals(List.of("mvn -B -pl lib test"), run("", "-pl", "lib", "test"));
        String all = "python3-nbclient python3-nbconvert python3-jupyter-client python3-ipykernel chromium python3-torch";
        assertEquals(List.of("mvn -B verify"), run(all, "verify"));
    }
}

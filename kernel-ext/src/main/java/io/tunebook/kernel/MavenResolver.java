package io.tunebook.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.maven.model.interpolation.ModelInterpolator;
import org.eclipse.aether.RepositoryException;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What {@code %maven group:artifact:version} resolves with: Maven's own resolver (maven-resolver 2, set up as
 * Maven 3 sets it up), the artifacts and their runtime dependencies, from Maven's central repository into the
 * user's local repository, where later sessions find them offline. Like Maven it reads the local repository
 * from {@code -Dmaven.repo.local} or {@code <localRepository>} of {@code ~/.m2/settings.xml} (else
 * {@code ~/.m2/repository}), offline from {@code <offline>} there, and the central repository's address from
 * {@code -Dmaven.repo.central} (else Maven's default).
 *
 * @param localRepository where artifacts are cached and looked up first
 * @param remote the remote repository's URL (Maven's central by default)
 * @param offline whether only the local repository is read
 */
record MavenResolver(Path localRepository, String remote, boolean offline) {
    /** As Maven itself would resolve for this user. */
    static MavenResolver forUser() {
        Path m2 = Path.of(System.getProperty("user.home"), ".m2");
        Element settings = settings(m2.resolve("settings.xml"));
        String local = System.getProperty("maven.repo.local", setting(settings, "localRepository"));
        String remote = System.getProperty(ModelInterpolator.MAVEN_REPO_CENTRAL_KEY,
                ModelInterpolator.DEFAULT_MAVEN_REPO_CENTRAL_URL);
        return new MavenResolver(local == null || local.isBlank() ? m2.resolve("repository")
                : Path.of(local.strip().replace("${user.home}", System.getProperty("user.home"))), remote,
                "true".equals(setting(settings, "offline")));
    }

    MavenResolver offline(boolean offline) {
        return new MavenResolver(localRepository, remote, offline);
    }

    /**
     * The jars of {@code coordinates} ({@code group:artifact[:extension[:classifier]]:version}) and of their runtime
     * dependencies, all resolved or none.
     *
     * @throws IllegalArgumentException a coordinate that is not one
     * @throws IllegalStateException in one line, what did not resolve and why (not found, offline, unreachable)
     */
    List<Path> resolve(List<String> coordinates) {
        CollectRequest collect = new CollectRequest();
        for (String c : coordinates) {
            collect.addDependency(new Dependency(artifact(c), "runtime"));
        }
        collect.addRepository(new RemoteRepository.Builder("central", "default", remote).build());
        RepositorySystem system = new RepositorySystemSupplier().get();
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(localRepository).setOffline(offline).build()) {
            List<Path> jars = new ArrayList<>();
            for (ArtifactResult r : system.resolveDependencies(session,
                    new DependencyRequest(collect, DependencyFilterUtils.classpathFilter("runtime"))).getArtifactResults()) {
                jars.add(r.getArtifact().getPath());
            }
            return jars;
        } catch (DependencyResolutionException e) {
            throw new IllegalStateException(String.join(" ", coordinates) + " did not resolve"
                    + (offline ? " offline from " + localRepository : "") + ": " + reason(e));
        } finally {
            system.shutdown();
        }
    }

    private static Artifact artifact(String coordinate) {
        try {
            Artifact a = new DefaultArtifact(coordinate);
            if (a.getGroupId().isEmpty() || a.getArtifactId().isEmpty() || a.getVersion().isEmpty()) {
                throw new IllegalArgumentException(coordinate);
            }
            return a;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a coordinate: " + coordinate);
        }
    }

    /**
     * The most specific resolver failure (the artifact and the repository, wrapped in collection and
     * resolution failures), with the network's own reason when it does not already say it.
     */
    private static String reason(Exception e) {
        Throwable specific = e;
        Throwable root = e;
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof RepositoryException && t.getMessage() != null) {
                specific = t;
            }
            if (t.getMessage() != null) {
                root = t;
            }
        }
        String line = firstLine(specific);
        String cause = firstLine(root);
        return line.contains(cause) ? line : line + " (" + cause + ")";
    }

    private static String firstLine(Throwable e) {
        return e.getMessage().lines().findFirst().orElse(e.getClass().getSimpleName()).strip();
    }

    /** The root element of Maven's user settings, or null when there are none or they do not parse. */
    private static Element settings(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
        } catch (IOException | javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            return null; // Maven would refuse them too; the defaults still let %maven work
        }
    }

    private static String setting(Element settings, String name) {
        if (settings == null) {
            return null;
        }
        NodeList nodes = settings.getElementsByTagName(name);
        return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().strip();
    }
}

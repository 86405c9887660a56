package io.tunebook.cli;

import io.tunebook.display.JudgeView;
import io.tunebook.eval.JudgeComparison;
import io.tunebook.eval.ab.AbItem;
import io.tunebook.eval.ab.AbPair;
import io.tunebook.eval.ab.BlindAbSession;
import io.tunebook.eval.judge.JudgeReport;
import io.tunebook.io.AtomicFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code tunebook ab create | rate | unblind}: blind A/B rating of two candidates' answers by a person. */
final class AbCommand implements Command {
    /** What {@code ab unblind} writes in the session directory. */
    static final String UNBLINDED = "unblinded.json";

    @Override
    public String name() {
        return "ab";
    }

    @Override
    public String summary() {
        return "rate two candidates' answers blind, then unblind";
    }

    @Override
    public String help() {
        return "usage: tunebook ab create EVALUATION.json --candidate NAME --against NAME --output DIR [--seed N]\n"
                + "       tunebook ab rate DIR\n"
                + "       tunebook ab unblind DIR\n"
                + "create blinds the two candidates' answers of an evaluation (tunebook eval) into a session in DIR:\n"
                + "pairs in random order, each answer randomly A or B; which is which is in DIR/key.json, which the\n"
                + "rater must not open. rate shows each unrated pair and reads a line from standard input: A, B or\n"
                + "tie, then an optional note (\"A plus précis\"); q stops, and rate resumes where it stopped.\n"
                + "unblind prints the wins, ties and losses of --candidate against --against with 95% Wilson\n"
                + "intervals and writes them to DIR/" + UNBLINDED + ".";
    }

    @Override
    public int run(String[] argv) throws IOException {
        Args a = Args.parse(name(), argv, Set.of("candidate", "against", "output", "seed"), Set.of());
        String verb = a.positional(name(), 0, "create, rate or unblind");
        switch (verb) {
            case "create" -> {
                a.expectPositionals(name(), 2);
                Path evaluation = Args.existingFile(name(), a.positional(name(), 1, "EVALUATION.json"));
                String candidate = require(a, "candidate");
                String against = require(a, "against");
                Path dir = Path.of(require(a, "output"));
                BlindAbSession s = BlindAbSession.create(dir, AbItem.read(evaluation, candidate, against), candidate,
                        against, a.getInt("seed", 42));
                System.out.println("tunebook ab: " + s.total() + " blinded pairs in " + dir + "; rate them with "
                        + "tunebook ab rate " + dir + " (keep " + dir.resolve(BlindAbSession.KEY) + " from the rater)");
                return 0;
            }
            case "rate" -> {
                a.expectPositionals(name(), 2);
                rate(BlindAbSession.open(Args.existingPath(name(), a.positional(name(), 1, "session directory"))));
                return 0;
            }
            case "unblind" -> {
                a.expectPositionals(name(), 2);
                Path dir = Args.existingPath(name(), a.positional(name(), 1, "session directory"));
                JudgeComparison c = BlindAbSession.open(dir).unblind();
                System.out.println(JudgeView.of(List.of(c)).mimeBundle().text());
                AtomicFile.write(dir.resolve(UNBLINDED), (JudgeReport.summary(c.summary()) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                return 0;
            }
            default -> throw new UsageException(name() + ": unknown action '" + verb + "'; use create, rate or unblind");
        }
    }

    private String require(Args a, String option) {
        if (!a.has(option)) {
            throw new UsageException(name() + ": --" + option + " is required");
        }
        return a.get(option, null);
    }

    /** The console flow: one pair at a time from standard input, each rating saved as it is given. */
    private static void rate(BlindAbSession session) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (session.hasNext()) {
            AbPair p = session.next();
            System.out.printf("%n=== Pair %d of %d (%d rated) ===%n%nPrompt:%n%s%n%n[A]%n%s%n%n[B]%n%s%n%n",
                    p.position(), p.total(), p.rated(), p.prompt(), p.answerA(), p.answerB());
            String answer = null;
            while (answer == null) {
                System.out.print("Better answer? A, B or tie, then an optional note; q to stop: ");
                System.out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equalsIgnoreCase("q")) {
                    System.out.printf("%nstopped: %d of %d rated; resume with tunebook ab rate %s%n", session.rated(),
                            session.total(), session.directory());
                    return;
                }
                String[] words = line.strip().split("\\s+", 2);
                try {
                    session.rate(words[0], words.length > 1 ? words[1] : "");
                    answer = words[0];
                } catch (IllegalArgumentException e) {
                    System.out.println(e.getMessage());
                }
            }
        }
        System.out.printf("%nall %d pairs are rated; see the outcome with tunebook ab unblind %s%n", session.total(),
                session.directory());
    }
}

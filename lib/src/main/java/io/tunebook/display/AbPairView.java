package io.tunebook.display;

import io.tunebook.eval.ab.AbPair;
import io.tunebook.eval.ab.BlindAbSession;

/**
 * A blinded pair for a person to rate: the prompt, then answers A and B side by side, nothing that
 * tells which system wrote which; and how to answer. A session displays its next pair, or that all
 * are rated.
 */
public final class AbPairView implements Displayable {
    private static final String CELL = "border:1px solid #d0d7de;padding:6px 8px;vertical-align:top;white-space:pre-wrap;"
            + "width:50%";

    private final AbPair pair;

    private AbPairView(AbPair pair) {
        this.pair = pair;
    }

    public static AbPairView of(AbPair pair) {
        return new AbPairView(pair);
    }

    /** The session's next pair, or a line saying every pair is rated. */
    public static Displayable of(BlindAbSession session) {
        if (session.hasNext()) {
            return of(session.next());
        }
        String done = "all " + session.total() + " pairs are rated: unblind() the session";
        return () -> MimeBundle.text(done).withHtml(Tables.paragraph(done));
    }

    private String title() {
        return "Pair " + pair.position() + " of " + pair.total() + " (" + pair.rated() + " rated)";
    }

    @Override
    public MimeBundle mimeBundle() {
        String how = "Which answer is better? rate(\"A\"), rate(\"B\") or rate(\"tie\"), with an optional note.";
        String text = title() + "\n\nPrompt:\n" + pair.prompt() + "\n\n[A]\n" + pair.answerA() + "\n\n[B]\n"
                + pair.answerB() + "\n\n" + how;
        String html = Tables.section(title(), "<div style=\"font-family:system-ui,sans-serif;font-size:13px;"
                + "white-space:pre-wrap;margin:4px 0 8px 0\">" + Tables.escape(pair.prompt()) + "</div>"
                + "<table class=\"" + Tables.CSS_CLASS + "\" style=\"border-collapse:collapse;width:100%;"
                + "font-family:system-ui,sans-serif;font-size:12px\"><thead><tr><th style=\"" + CELL + "\">A</th>"
                + "<th style=\"" + CELL + "\">B</th></tr></thead><tbody><tr><td style=\"" + CELL + "\">"
                + Tables.escape(pair.answerA()) + "</td><td style=\"" + CELL + "\">" + Tables.escape(pair.answerB())
                + "</td></tr></tbody></table>", Tables.paragraph(how));
        return MimeBundle.text(text).withHtml(html);
    }
}

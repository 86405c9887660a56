package io.tunebook.eval.judge;

/** A pairwise verdict, in the labels the judge saw. */
public enum Verdict {
    A, B, TIE;

    /** The same verdict with the two answers' positions exchanged. */
    public Verdict swap() {
        return this == A ? B : this == B ? A : TIE;
    }
}

package io.tunebook.eval.ab;

/**
 * A blinded pair as the rater sees it: which system wrote A and which B is in the session's key,
 * not here.
 *
 * @param pair the opaque pair id ({@code p7}) ratings refer to
 * @param position this pair's place (from 1) in the session's order
 * @param total the session's pairs
 * @param rated pairs rated so far
 */
public record AbPair(String pair, int position, int total, int rated, String prompt, String answerA, String answerB) {
}

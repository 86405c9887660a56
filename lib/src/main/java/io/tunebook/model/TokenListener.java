package io.tunebook.model;

/** Receives each token as it is generated, for streaming output. */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param row index of the prompt in the batch
     * @param tokenId the new token
     * @param textDelta text this token completes (empty while a multi-byte character is still partial)
     */
    void onToken(int row, long tokenId, String textDelta);
}

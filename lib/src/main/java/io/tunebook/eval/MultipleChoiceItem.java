package io.tunebook.eval;

import java.util.List;

/**
 * How a model answered one question.
 *
 * @param logLikelihoods per choice, the summed log-probability of its tokens after the prompt
 * @param predicted the choice of highest log-likelihood ({@code acc})
 * @param predictedNorm the highest log-likelihood per character of the choice ({@code acc_norm})
 * @param predictedBytes the highest log-likelihood per UTF-8 byte of the choice ({@code acc_bytes})
 */
public record MultipleChoiceItem(MultipleChoiceQuestion question, List<Double> logLikelihoods, int predicted,
        int predictedNorm, int predictedBytes) {

    public MultipleChoiceItem {
        logLikelihoods = List.copyOf(logLikelihoods);
    }
}

package io.tunebook.plan;

import java.util.OptionalDouble;

/**
 * Total cost of ownership per month: calling a hosted API against fine-tuning a model and serving it
 * on rented GPUs. The API costs its price per token times the volume; self-hosting costs the serving
 * GPUs, always on, plus the training runs of a year and the engineering time each run takes, spread
 * over twelve months. Serving needs as many GPUs as the volume takes at the stated throughput and
 * utilisation, at least {@code minServingGpus}: its cost rises in steps while the API's rises in a line.
 *
 * <pre>{@code
 * Tco tco = Tco.builder().tokensPerMonth(300e6).apiPricePerMillionTokens(10).build();
 * tco.selfHostedMonthly();
 * tco.breakEvenTokensPerMonth();
 * }</pre>
 *
 * <p>The defaults are seed 001's customer-support case: a hosted model at $0.03 a request and 50,000
 * requests a day ($1,500 a day), an engineer's two weeks ($8,000) a fine-tuning run, 6 GPU-hours a run
 * (its QLoRA job on one A100), and $4 per GPU-hour (its AWS p4d price, $32 an hour for eight A100s).
 * The seed gives no tokens per request: we assume 1,000 (so $30 per million tokens and 1.5 billion
 * tokens a month), a serving throughput of 1,200 tokens/s a GPU used at 50 %, and four runs a year.
 * Every figure is a builder setting; the currency is whatever the prices are in.
 *
 * @param tokensPerMonth tokens sent and received per month (prompt plus completion)
 * @param apiPricePerMillionTokens the hosted API's price per million tokens
 * @param gpuHourPrice what one GPU costs per hour, for training and for serving
 * @param trainingGpuHoursPerRun GPU-hours of one fine-tuning run ({@link TrainingCost#gpuHours()})
 * @param trainingRunsPerYear fine-tuning runs a year (retraining on new data included)
 * @param engineeringCostPerRun people's time a run takes: data, evaluation, release
 * @param servingTokensPerSecond tokens per second one serving GPU produces at full load
 * @param servingUtilisation the fraction of that throughput traffic really uses, in (0, 1]
 * @param minServingGpus GPUs kept on whatever the volume (1 for one replica, 2 for redundancy)
 */
public record Tco(double tokensPerMonth, double apiPricePerMillionTokens, double gpuHourPrice,
        double trainingGpuHoursPerRun, int trainingRunsPerYear, double engineeringCostPerRun,
        double servingTokensPerSecond, double servingUtilisation, int minServingGpus) {

    /** Hours in an average month (8,760 / 12): serving GPUs stay on. */
    public static final double HOURS_PER_MONTH = 730;

    public Tco {
        nonNegative("tokensPerMonth", tokensPerMonth);
        nonNegative("apiPricePerMillionTokens", apiPricePerMillionTokens);
        nonNegative("gpuHourPrice", gpuHourPrice);
        nonNegative("trainingGpuHoursPerRun", trainingGpuHoursPerRun);
        nonNegative("trainingRunsPerYear", trainingRunsPerYear);
        nonNegative("engineeringCostPerRun", engineeringCostPerRun);
        if (!(servingTokensPerSecond > 0) || Double.isInfinite(servingTokensPerSecond)) {
            throw new IllegalArgumentException("servingTokensPerSecond must be positive, got " + servingTokensPerSecond);
        }
        if (!(servingUtilisation > 0 && servingUtilisation <= 1)) {
            throw new IllegalArgumentException("servingUtilisation must be in (0, 1], got " + servingUtilisation);
        }
        if (minServingGpus < 1) {
            throw new IllegalArgumentException("minServingGpus must be at least 1, got " + minServingGpus);
        }
    }

    private static void nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a number >= 0, got " + v);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these figures, to change one or two. */
    public Builder toBuilder() {
        return new Builder().tokensPerMonth(tokensPerMonth).apiPricePerMillionTokens(apiPricePerMillionTokens)
                .gpuHourPrice(gpuHourPrice).trainingGpuHoursPerRun(trainingGpuHoursPerRun)
                .trainingRunsPerYear(trainingRunsPerYear).engineeringCostPerRun(engineeringCostPerRun)
                .servingTokensPerSecond(servingTokensPerSecond).servingUtilisation(servingUtilisation)
                .minServingGpus(minServingGpus);
    }

    /** The same figures at another volume. */
    public Tco atVolume(double tokens) {
        return toBuilder().tokensPerMonth(tokens).build();
    }

    /** What the hosted API costs this month. */
    public double apiMonthly() {
        return tokensPerMonth / 1e6 * apiPricePerMillionTokens;
    }

    /** Tokens one serving GPU handles in a month at the stated utilisation. */
    public double tokensPerGpuMonth() {
        return servingTokensPerSecond * servingUtilisation * 3600 * HOURS_PER_MONTH;
    }

    /** Serving GPUs the volume needs, at least {@code minServingGpus}. */
    public int servingGpus() {
        return (int) Math.max(minServingGpus, Math.ceil(tokensPerMonth / tokensPerGpuMonth()));
    }

    /** The serving GPUs, on all month. */
    public double servingMonthly() {
        return servingGpus() * HOURS_PER_MONTH * gpuHourPrice;
    }

    /** The GPU time of a year's training runs, per month. */
    public double trainingMonthly() {
        return trainingRunsPerYear * trainingGpuHoursPerRun * gpuHourPrice / 12;
    }

    /** The engineering time of a year's training runs, per month. */
    public double engineeringMonthly() {
        return trainingRunsPerYear * engineeringCostPerRun / 12;
    }

    public double selfHostedMonthly() {
        return servingMonthly() + trainingMonthly() + engineeringMonthly();
    }

    /** API minus self-hosting: positive when fine-tuning and self-hosting is the cheaper. */
    public double monthlySavings() {
        return apiMonthly() - selfHostedMonthly();
    }

    /**
     * The smallest monthly volume from which self-hosting costs no more than the API; empty when it never
     * does (the API is free, or one more GPU costs more than the API charges for the tokens it serves).
     * With n serving GPUs self-hosting costs n·G + F (G a GPU-month, F training and engineering); n GPUs
     * serve up to n·C tokens, which the API charges n·C·p: the first n with n·G + F ≤ n·C·p holds the
     * break-even, at (n·G + F) / p.
     */
    public OptionalDouble breakEvenTokensPerMonth() {
        double perToken = apiPricePerMillionTokens / 1e6;
        double gpuMonth = HOURS_PER_MONTH * gpuHourPrice;
        double fixed = trainingMonthly() + engineeringMonthly();
        double margin = perToken * tokensPerGpuMonth() - gpuMonth;
        if (!(margin > 0)) {
            return OptionalDouble.empty();
        }
        double gpus = Math.max(minServingGpus, Math.ceil(fixed / margin));
        return OptionalDouble.of((gpus * gpuMonth + fixed) / perToken);
    }

    /** Defaults: seed 001's support case (see the class comment). */
    public static final class Builder {
        private double tokensPerMonth = 50_000 * 30 * 1_000.0;
        private double apiPricePerMillionTokens = 30;
        private double gpuHourPrice = 4;
        private double trainingGpuHoursPerRun = 6;
        private int trainingRunsPerYear = 4;
        private double engineeringCostPerRun = 8_000;
        private double servingTokensPerSecond = 1_200;
        private double servingUtilisation = 0.5;
        private int minServingGpus = 1;

        public Builder tokensPerMonth(double v) {
            tokensPerMonth = v;
            return this;
        }

        public Builder apiPricePerMillionTokens(double v) {
            apiPricePerMillionTokens = v;
            return this;
        }

        public Builder gpuHourPrice(double v) {
            gpuHourPrice = v;
            return this;
        }

        public Builder trainingGpuHoursPerRun(double v) {
            trainingGpuHoursPerRun = v;
            return this;
        }

        /** The GPU-hours of a run the planner estimated ({@link Estimate#cost}). */
        public Builder trainingRun(TrainingCost cost) {
            return trainingGpuHoursPerRun(cost.gpuHours());
        }

        public Builder trainingRunsPerYear(int v) {
            trainingRunsPerYear = v;
            return this;
        }

        public Builder engineeringCostPerRun(double v) {
            engineeringCostPerRun = v;
            return this;
        }

        public Builder servingTokensPerSecond(double v) {
            servingTokensPerSecond = v;
            return this;
        }

        public Builder servingUtilisation(double v) {
            servingUtilisation = v;
            return this;
        }

        public Builder minServingGpus(int v) {
            minServingGpus = v;
            return this;
        }

        public Tco build() {
            return new Tco(tokensPerMonth, apiPricePerMillionTokens, gpuHourPrice, trainingGpuHoursPerRun,
                    trainingRunsPerYear, engineeringCostPerRun, servingTokensPerSecond, servingUtilisation,
                    minServingGpus);
        }
    }
}

package io.tunebook.plan;

/**
 * Compute time and price of a run.
 *
 * @param flops floating-point operations of the whole run
 * @param gpuHours device-hours at the assumed model FLOP utilisation
 * @param gpus devices needed to hold the run's memory (sharded across them), at least 1
 * @param wallHours {@code gpuHours / gpus}, assuming perfect scaling
 * @param cost {@code gpuHours} times the hourly price of one device
 */
public record TrainingCost(GpuType gpu, double flops, double gpuHours, int gpus, double wallHours, double cost) {
}

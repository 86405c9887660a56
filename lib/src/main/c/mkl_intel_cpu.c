/*
 * libtunebook-mkl-intel-cpu.so: one function, which io.tunebook.model.MklDispatch loads into the JVM (RTLD_GLOBAL)
 * before DJL loads libtorch.
 *
 * Why: libtorch's CPU build carries Intel's oneMKL, whose dispatcher calls mkl_serv_intel_cpu_true() before it picks
 * a kernel by the instruction sets the processor reports. On an AMD processor that answers 0 and every float32 matmul
 * takes a generic branch: on this project's 2-core AMD EPYC (Zen 4) mid-size products ran at 105-189 GFLOP/s over
 * five runs where the AVX-512 branch makes 175-216, and PyTorch on OpenBLAS 155-179 (bench/README.md, "oneMKL's
 * kernels on AMD").
 *
 * libtorch_cpu.so exports its own definition and calls it through its PLT, so a definition already in the process's
 * global scope comes first. Answering 1 leaves the choice to MKL's checks of the instruction sets themselves (cpuid),
 * so a processor is never given instructions it lacks.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}

// C kernels for what Swift cannot emit here: it compiles for the baseline
// x86-64 ISA (4-wide vectors, no FMA) and has no per-function target
// attribute.
//
// The optimizer updates (`tg_apply_*_f32`) are compiled once per
// instruction-set level (AVX-512, AVX2+FMA, baseline SSE2); the caller
// names the level (TensorGraph passes `ISALevel.current`, tests pass each
// level in turn), and a level above what the CPU has runs as the best one it
// has. Each computes
// exactly what the Swift scalar loop beside its caller computes, element by
// element, with the same operations in the same order (floating-point
// contraction is off): results are bitwise equal on every ISA level.
//
// The float32 GEMM (`tg_sgemm_f32`) is written with AVX-512 intrinsics and
// runs only where `tg_sgemm_available` says the CPU has them.
//
// Pointers may alias only where noted.

#ifndef CTENSORKERNELS_H
#define CTENSORKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels of the CPU-dispatched kernels.
enum { TG_ISA_BASELINE = 0, TG_ISA_AVX2 = 1, TG_ISA_AVX512 = 2 };

/// The highest level this CPU runs: TG_ISA_AVX512 with AVX-512 F, VL, BW
/// and DQ (x86-64-v4), TG_ISA_AVX2 with AVX2 and FMA, else TG_ISA_BASELINE.
int tg_isa_supported(void);

/// Adam (TensorFlow's ApplyAdam): m += (g - m)·c1; v += (g·g - v)·c2;
/// w -= alpha·m / (sqrt(v) + eps), or with Nesterov
/// w -= alpha·(m·beta1 + c1·g) / (sqrt(v) + eps).
void tg_apply_adam_f32(int level, float *w, float *m, float *v, const float *g, ptrdiff_t n, float alpha, float c1,
                       float c2, float eps, float beta1, int nesterov);

/// Momentum (ApplyMomentum): a = a·momentum + g; w -= lr·a, or with
/// Nesterov w -= (g + a·momentum)·lr.
void tg_apply_momentum_f32(int level, float *w, float *a, const float *g, ptrdiff_t n, float lr, float momentum,
                           int nesterov);

/// Gradient descent (ApplyGradientDescent): w -= alpha·d.
void tg_apply_gradient_descent_f32(int level, float *w, const float *d, ptrdiff_t n, float alpha);

/// RMSProp (ApplyRMSProp): ms += (g·g - ms)·(1 - rho);
/// mom = mom·momentum + lr·g / sqrt(ms + eps); w -= mom.
void tg_apply_rmsprop_f32(int level, float *w, float *ms, float *mom, const float *g, ptrdiff_t n, float lr, float rho,
                          float momentum, float eps);

/// Whether this CPU runs `tg_sgemm_f32` (it has AVX-512F); 0 or 1.
int tg_sgemm_available(void);

/// C = op(A)·op(B) in float32, row-major: C is m×n with leading dimension
/// ldc; op(A) is m×k (A stored k×m when transA), op(B) is k×n (B stored
/// n×k when transB). Each C[i][j] is the fused multiply-add chain
/// acc = fma(op(A)[i][p], op(B)[p][j], acc) over p = 0..<k from acc = 0,
/// bitwise, however the call is blocked. Returns 0, touching nothing, when
/// the CPU lacks AVX-512 or the packing buffer cannot be allocated (the
/// caller then uses BLAS), or when m, n or k is not positive.
int tg_sgemm_f32(int transA, int transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                 const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc);

/// A spin-wait hint to the core (x86 `pause`, Arm `yield`): the thread
/// polling for work lets its sibling hyperthread run and saves power.
static inline void tg_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
  __asm__ __volatile__("yield");
#endif
}

#ifdef __cplusplus
}
#endif

#endif

// Fused optimizer updates (see CTensorKernels.h). Each loop body is written
// once (an always-inline function) and instantiated three times, with
// explicit target attributes for AVX-512, AVX2+FMA and baseline SSE2; the
// compiler vectorizes each copy for its level, and the entry points call
// the copy the caller names. There is no ifunc: the level is an ordinary
// argument, so tests run every level in one process, and ThreadSanitizer
// (whose runtime is not up when a load-time resolver runs) instruments
// these like any other function. `__builtin_elementwise_sqrt` is the IEEE
// square root without errno, so the loops vectorize without
// -fno-math-errno; the absolute values match the Swift loops' `magnitude`
// (a no-op on valid state).

#include "CTensorKernels.h"

#pragma STDC FP_CONTRACT OFF

#define TG_INLINE static inline __attribute__((always_inline))

TG_INLINE void adam_body(float *restrict w, float *restrict m, float *restrict v, const float *restrict g,
                         ptrdiff_t n, float alpha, float c1, float c2, float eps, float beta1, int nesterov) {
  for (ptrdiff_t i = 0; i < n; i++) {
    float gi = g[i];
    float mi = m[i] + (gi - m[i]) * c1;
    float vi = v[i] + (gi * gi - v[i]) * c2;
    m[i] = mi;
    v[i] = vi;
    float step = nesterov ? mi * beta1 + c1 * gi : mi;
    w[i] -= alpha * step / (__builtin_elementwise_sqrt(__builtin_elementwise_abs(vi)) + eps);
  }
}

// `nesterov` is a constant in each call, so each copy gets two branch-free loops.
TG_INLINE void adam(float *restrict w, float *restrict m, float *restrict v, const float *restrict g, ptrdiff_t n,
                    float alpha, float c1, float c2, float eps, float beta1, int nesterov) {
  if (nesterov) adam_body(w, m, v, g, n, alpha, c1, c2, eps, beta1, 1);
  else adam_body(w, m, v, g, n, alpha, c1, c2, eps, beta1, 0);
}

TG_INLINE void momentum(float *restrict w, float *restrict a, const float *restrict g, ptrdiff_t n, float lr,
                        float mu, int nesterov) {
  if (nesterov) {
    for (ptrdiff_t i = 0; i < n; i++) {
      float ai = a[i] * mu + g[i];
      a[i] = ai;
      w[i] -= (g[i] + ai * mu) * lr;
    }
  } else {
    for (ptrdiff_t i = 0; i < n; i++) {
      float ai = a[i] * mu + g[i];
      a[i] = ai;
      w[i] -= lr * ai;
    }
  }
}

TG_INLINE void gradient_descent(float *restrict w, const float *restrict d, ptrdiff_t n, float alpha) {
  for (ptrdiff_t i = 0; i < n; i++) w[i] -= alpha * d[i];
}

TG_INLINE void rmsprop(float *restrict w, float *restrict ms, float *restrict mom, const float *restrict g,
                       ptrdiff_t n, float lr, float rho, float mu, float eps) {
  float c = 1 - rho;
  for (ptrdiff_t i = 0; i < n; i++) {
    float gi = g[i];
    float s = ms[i] + (gi * gi - ms[i]) * c;
    ms[i] = s;
    float u = mom[i] * mu + lr * gi / __builtin_elementwise_sqrt(__builtin_elementwise_abs(s + eps));
    mom[i] = u;
    w[i] -= u;
  }
}

// One copy of every loop per level: SUFFIX names it, TARGET is its attribute.
#define TG_LEVEL(SUFFIX, TARGET)                                                                              \
  static TARGET void adam_##SUFFIX(float *restrict w, float *restrict m, float *restrict v,                   \
                                   const float *restrict g, ptrdiff_t n, float alpha, float c1, float c2,      \
                                   float eps, float beta1, int nesterov) {                                     \
    adam(w, m, v, g, n, alpha, c1, c2, eps, beta1, nesterov);                                                   \
  }                                                                                                            \
  static TARGET void momentum_##SUFFIX(float *restrict w, float *restrict a, const float *restrict g,         \
                                       ptrdiff_t n, float lr, float mu, int nesterov) {                        \
    momentum(w, a, g, n, lr, mu, nesterov);                                                                     \
  }                                                                                                            \
  static TARGET void gradient_descent_##SUFFIX(float *restrict w, const float *restrict d, ptrdiff_t n,        \
                                               float alpha) {                                                  \
    gradient_descent(w, d, n, alpha);                                                                           \
  }                                                                                                            \
  static TARGET void rmsprop_##SUFFIX(float *restrict w, float *restrict ms, float *restrict mom,             \
                                      const float *restrict g, ptrdiff_t n, float lr, float rho, float mu,     \
                                      float eps) {                                                             \
    rmsprop(w, ms, mom, g, n, lr, rho, mu, eps);                                                                \
  }

TG_LEVEL(baseline, )
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define TG_HAS_LEVELS 1
TG_LEVEL(avx2, __attribute__((target("avx2,fma"))))
TG_LEVEL(avx512, __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"))))
#else
#define TG_HAS_LEVELS 0
#endif

int tg_isa_supported(void) {
#if TG_HAS_LEVELS
  __builtin_cpu_init();  // idempotent
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq"))
    return TG_ISA_AVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return TG_ISA_AVX2;
#endif
  return TG_ISA_BASELINE;
}

// A level the CPU lacks would fault: clamp to what it has (callers clamp
// already; this guards direct calls).
static int clamp(int level) {
  int best = tg_isa_supported();
  return level > best ? best : level;
}

#if TG_HAS_LEVELS
#define TG_DISPATCH(NAME, ...)                                         \
  switch (clamp(level)) {                                              \
    case TG_ISA_AVX512: NAME##_avx512(__VA_ARGS__); break;             \
    case TG_ISA_AVX2: NAME##_avx2(__VA_ARGS__); break;                 \
    default: NAME##_baseline(__VA_ARGS__); break;                      \
  }
#else
#define TG_DISPATCH(NAME, ...) ((void)level, NAME##_baseline(__VA_ARGS__))
#endif

void tg_apply_adam_f32(int level, float *restrict w, float *restrict m, float *restrict v, const float *restrict g,
                       ptrdiff_t n, float alpha, float c1, float c2, float eps, float beta1, int nesterov) {
  TG_DISPATCH(adam, w, m, v, g, n, alpha, c1, c2, eps, beta1, nesterov)
}

void tg_apply_momentum_f32(int level, float *restrict w, float *restrict a, const float *restrict g, ptrdiff_t n,
                           float lr, float mu, int nesterov) {
  TG_DISPATCH(momentum, w, a, g, n, lr, mu, nesterov)
}

void tg_apply_gradient_descent_f32(int level, float *restrict w, const float *restrict d, ptrdiff_t n,
                                   float alpha) {
  TG_DISPATCH(gradient_descent, w, d, n, alpha)
}

void tg_apply_rmsprop_f32(int level, float *restrict w, float *restrict ms, float *restrict mom,
                          const float *restrict g, ptrdiff_t n, float lr, float rho, float mu, float eps) {
  TG_DISPATCH(rmsprop, w, ms, mom, g, n, lr, rho, mu, eps)
}

// Fused optimizer updates (see CTensorKernels.h). Each loop is written once
// and cloned per ISA level; the compiler vectorizes each clone for its
// level. `__builtin_elementwise_sqrt` is the IEEE square root without
// errno, so the loops vectorize without -fno-math-errno; the absolute
// values match the Swift loops' `magnitude` (a no-op on valid state).

#include "CTensorKernels.h"

#pragma STDC FP_CONTRACT OFF

#ifndef __has_feature
#define __has_feature(x) 0
#endif

// The clones' resolver runs while the dynamic linker relocates the
// library, before ThreadSanitizer's runtime is up: a TSan-instrumented
// resolver crashes the process, so sanitized builds use the baseline loop.
#if defined(__x86_64__) && defined(__ELF__) && !__has_feature(thread_sanitizer)
#define TG_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define TG_CLONES
#endif

// Adam's loop, with `nesterov` a constant in each call below so that each
// clone gets two branch-free loops.
static inline __attribute__((always_inline)) void adam(float *restrict w, float *restrict m, float *restrict v,
                                                       const float *restrict g, ptrdiff_t n, float alpha, float c1,
                                                       float c2, float eps, float beta1, int nesterov) {
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

TG_CLONES
void tg_apply_adam_f32(float *restrict w, float *restrict m, float *restrict v, const float *restrict g,
                       ptrdiff_t n, float alpha, float c1, float c2, float eps, float beta1, int nesterov) {
  if (nesterov) adam(w, m, v, g, n, alpha, c1, c2, eps, beta1, 1);
  else adam(w, m, v, g, n, alpha, c1, c2, eps, beta1, 0);
}

TG_CLONES
void tg_apply_momentum_f32(float *restrict w, float *restrict a, const float *restrict g, ptrdiff_t n, float lr,
                           float momentum, int nesterov) {
  if (nesterov) {
    for (ptrdiff_t i = 0; i < n; i++) {
      float ai = a[i] * momentum + g[i];
      a[i] = ai;
      w[i] -= (g[i] + ai * momentum) * lr;
    }
  } else {
    for (ptrdiff_t i = 0; i < n; i++) {
      float ai = a[i] * momentum + g[i];
      a[i] = ai;
      w[i] -= lr * ai;
    }
  }
}

TG_CLONES
void tg_apply_gradient_descent_f32(float *restrict w, const float *restrict d, ptrdiff_t n, float alpha) {
  for (ptrdiff_t i = 0; i < n; i++) w[i] -= alpha * d[i];
}

TG_CLONES
void tg_apply_rmsprop_f32(float *restrict w, float *restrict ms, float *restrict mom, const float *restrict g,
                          ptrdiff_t n, float lr, float rho, float momentum, float eps) {
  float c = 1 - rho;
  for (ptrdiff_t i = 0; i < n; i++) {
    float gi = g[i];
    float s = ms[i] + (gi * gi - ms[i]) * c;
    ms[i] = s;
    float u = mom[i] * momentum + lr * gi / __builtin_elementwise_sqrt(__builtin_elementwise_abs(s + eps));
    mom[i] = u;
    w[i] -= u;
  }
}

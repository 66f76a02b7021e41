// Single-precision GEMM for CPUs with AVX-512: C = op(A)·op(B), row-major.
//
// Why not OpenBLAS: on this project's machines OpenBLAS 0.3.21 runs its
// Haswell (AVX2) kernels, because the environment pins
// OPENBLAS_CORETYPE=Haswell; they reach half of what a Zen 5 core does with
// 512-bit FMAs (110 against 220–240 GFLOP/s on one core for the MLP shapes;
// Docs/benchmarks.md). Its AVX-512 sets, when chosen, reach 141–218.
// And every OpenBLAS call packs all of A, so splitting a product in column
// blocks across threads packs A once per block.
//
// Design (a "small-M" GEMM in the style of BLIS's sup kernels):
//  - The micro-tile is 12 rows × 32 columns: 24 accumulators in zmm
//    registers, two 16-wide loads of B and twelve broadcasts of A per k.
//  - A is read in place (no packing): row r of the tile at
//    a[r·ars + k·aks], which covers A and Aᵀ alike.
//  - B is copied into contiguous k × 32 panels (a 16×16 register transpose
//    when B is stored transposed) for up to KC values of k at a time, and
//    each panel serves every tile of a block of rows. With at most 48 rows
//    and B not transposed, tiles read B in place instead.
//  - Every element of C is one chain of fused multiply-adds over k in
//    ascending order, starting from zero, kept in float32 (a K block ends by
//    storing the chain to C and the next one continues from it). So C is
//    bitwise what `acc = fmaf(a[i][k], b[k][j], acc)` over k gives, however
//    the product is blocked or split across threads.

#include "CTensorKernels.h"

#include <pthread.h>
#include <stdlib.h>

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define TG_AVX512 __attribute__((target("avx512f")))
#define MR 12
#define NR 32
#define KC 512
// Rows of A per block: a block of A (mc × kc floats) stays in L2 while
// every panel of B passes over it.
#define A_BLOCK_BYTES (384 * 1024)

typedef ptrdiff_t idx;

static inline __mmask16 lane_mask(idx count) {
  return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

// C[r][0..<nr] (= (A·B)[r][j] for r < mr) over k values, A[r][p] = a[r·ars + p·aks],
// B[p][j] = b[p·bs + j]. With `acc`, the chains continue from C's values.
static inline __attribute__((always_inline)) TG_AVX512 void
tile(int mr, idx k, const float *a, idx ars, idx aks, const float *b, idx bs, float *c, idx ldc, __mmask16 m0,
     __mmask16 m1, int acc) {
  __m512 c0[MR], c1[MR];
  _Pragma("clang loop unroll(full)") for (int r = 0; r < MR; r++) {
    if (r < mr && acc) {
      c0[r] = _mm512_maskz_loadu_ps(m0, c + r * ldc);
      c1[r] = _mm512_maskz_loadu_ps(m1, c + r * ldc + 16);
    } else {
      c0[r] = _mm512_setzero_ps();
      c1[r] = _mm512_setzero_ps();
    }
  }
  for (idx p = 0; p < k; p++) {
    __m512 b0 = _mm512_maskz_loadu_ps(m0, b + p * bs);
    __m512 b1 = _mm512_maskz_loadu_ps(m1, b + p * bs + 16);
    const float *ap = a + p * aks;
    _Pragma("clang loop unroll(full)") for (int r = 0; r < MR; r++) {
      if (r < mr) {
        __m512 av = _mm512_set1_ps(ap[r * ars]);
        c0[r] = _mm512_fmadd_ps(av, b0, c0[r]);
        c1[r] = _mm512_fmadd_ps(av, b1, c1[r]);
      }
    }
  }
  _Pragma("clang loop unroll(full)") for (int r = 0; r < MR; r++) {
    if (r < mr) {
      _mm512_mask_storeu_ps(c + r * ldc, m0, c0[r]);
      _mm512_mask_storeu_ps(c + r * ldc + 16, m1, c1[r]);
    }
  }
}

// Full tiles, with A's strides fixed at compile time (A, or Aᵀ).
static TG_AVX512 __attribute__((noinline)) void tile_a(idx k, const float *a, idx lda, const float *b, idx bs,
                                                       float *c, idx ldc, __mmask16 m0, __mmask16 m1, int acc) {
  tile(MR, k, a, lda, 1, b, bs, c, ldc, m0, m1, acc);
}
static TG_AVX512 __attribute__((noinline)) void tile_at(idx k, const float *a, idx lda, const float *b, idx bs,
                                                        float *c, idx ldc, __mmask16 m0, __mmask16 m1, int acc) {
  tile(MR, k, a, 1, lda, b, bs, c, ldc, m0, m1, acc);
}

#define TG_TILE_CASE(R) \
  case R: tile(R, k, a, ars, aks, b, bs, c, ldc, m0, m1, acc); break;

// The last tile of a block, of 1 to MR - 1 rows.
static TG_AVX512 __attribute__((noinline)) void tile_rows(int mr, idx k, const float *a, idx ars, idx aks,
                                                          const float *b, idx bs, float *c, idx ldc, __mmask16 m0,
                                                          __mmask16 m1, int acc) {
  switch (mr) {
    TG_TILE_CASE(1) TG_TILE_CASE(2) TG_TILE_CASE(3) TG_TILE_CASE(4) TG_TILE_CASE(5) TG_TILE_CASE(6)
    TG_TILE_CASE(7) TG_TILE_CASE(8) TG_TILE_CASE(9) TG_TILE_CASE(10) TG_TILE_CASE(11)
    default: break;
  }
}

// dst[p·NR + j] = B[p][j] = b[p·ldb + j] for j < nr, 0 for nr ≤ j < NR.
static TG_AVX512 void pack_b(idx k, idx nr, const float *b, idx ldb, float *dst) {
  __mmask16 m0 = lane_mask(nr), m1 = lane_mask(nr - 16);
  for (idx p = 0; p < k; p++) {
    _mm512_store_ps(dst + p * NR, _mm512_maskz_loadu_ps(m0, b + p * ldb));
    _mm512_store_ps(dst + p * NR + 16, _mm512_maskz_loadu_ps(m1, b + p * ldb + 16));
  }
}

// dst[p·NR + j] = B[p][j] = b[j·ldb + p] (B stored transposed) for j < nr, 0 beyond:
// 16 rows × 16 values of b at a time, transposed in registers.
static TG_AVX512 void pack_bt(idx k, idx nr, const float *b, idx ldb, float *dst) {
  for (idx half = 0; half < NR; half += 16) {
    for (idx p = 0; p < k; p += 16) {
      idx kk = k - p < 16 ? k - p : 16;
      __mmask16 km = lane_mask(kk);
      __m512 r[16];
      _Pragma("clang loop unroll(full)") for (int t = 0; t < 16; t++) r[t] =
        half + t < nr ? _mm512_maskz_loadu_ps(km, b + (half + t) * ldb + p) : _mm512_setzero_ps();
      // Per 128-bit lane L, u[q][s] holds rows 4q..4q+3 of column 4L + s.
      __m512 u[4][4];
      _Pragma("clang loop unroll(full)") for (int q = 0; q < 4; q++) {
        __m512 t0 = _mm512_unpacklo_ps(r[4 * q], r[4 * q + 1]), t1 = _mm512_unpackhi_ps(r[4 * q], r[4 * q + 1]);
        __m512 t2 = _mm512_unpacklo_ps(r[4 * q + 2], r[4 * q + 3]);
        __m512 t3 = _mm512_unpackhi_ps(r[4 * q + 2], r[4 * q + 3]);
        u[q][0] = _mm512_shuffle_ps(t0, t2, 0x44);
        u[q][1] = _mm512_shuffle_ps(t0, t2, 0xEE);
        u[q][2] = _mm512_shuffle_ps(t1, t3, 0x44);
        u[q][3] = _mm512_shuffle_ps(t1, t3, 0xEE);
      }
      // Gather the four row groups of each column from the lanes.
      __m512 out[16];
      _Pragma("clang loop unroll(full)") for (int s = 0; s < 4; s++) {
        __m512 x = _mm512_shuffle_f32x4(u[0][s], u[1][s], 0x88), x2 = _mm512_shuffle_f32x4(u[0][s], u[1][s], 0xDD);
        __m512 y = _mm512_shuffle_f32x4(u[2][s], u[3][s], 0x88), y2 = _mm512_shuffle_f32x4(u[2][s], u[3][s], 0xDD);
        out[s] = _mm512_shuffle_f32x4(x, y, 0x88);
        out[8 + s] = _mm512_shuffle_f32x4(x, y, 0xDD);
        out[4 + s] = _mm512_shuffle_f32x4(x2, y2, 0x88);
        out[12 + s] = _mm512_shuffle_f32x4(x2, y2, 0xDD);
      }
      _Pragma("clang loop unroll(full)") for (int col = 0; col < 16; col++) if (col < kk)
        _mm512_store_ps(dst + (p + col) * NR + half, out[col]);
    }
  }
}

// One packing buffer per thread, grown as needed and freed when the thread exits.
static pthread_key_t tg_pack_key;
static pthread_once_t tg_pack_once = PTHREAD_ONCE_INIT;
typedef struct {
  float *data;
  size_t capacity;
} tg_pack_buffer;

static void tg_pack_free(void *p) {
  tg_pack_buffer *buffer = p;
  free(buffer->data);
  free(buffer);
}
static void tg_pack_make_key(void) { (void)pthread_key_create(&tg_pack_key, tg_pack_free); }

static float *pack_buffer(size_t floats) {
  (void)pthread_once(&tg_pack_once, tg_pack_make_key);
  tg_pack_buffer *buffer = pthread_getspecific(tg_pack_key);
  if (!buffer) {
    buffer = calloc(1, sizeof *buffer);
    if (!buffer || pthread_setspecific(tg_pack_key, buffer) != 0) {
      free(buffer);
      return NULL;
    }
  }
  if (floats > buffer->capacity) {
    free(buffer->data);
    buffer->data = aligned_alloc(64, (floats * sizeof(float) + 63) / 64 * 64);
    buffer->capacity = buffer->data ? floats : 0;
  }
  return buffer->data;
}

static TG_AVX512 void sgemm_avx512(int transA, int transB, idx m, idx n, idx k, const float *a, idx lda,
                                   const float *b, idx ldb, float *c, idx ldc, float *slab, idx kc) {
  idx ars = transA ? 1 : lda, aks = transA ? lda : 1;
  idx panels = (n + NR - 1) / NR;
  idx mc = A_BLOCK_BYTES / (idx)(sizeof(float) * kc);
  mc = mc < MR ? MR : mc / MR * MR;
  for (idx p0 = 0; p0 < k; p0 += kc) {
    idx kb = k - p0 < kc ? k - p0 : kc;
    if (slab) {
      for (idx jp = 0; jp < panels; jp++) {
        idx j0 = jp * NR, nr = n - j0 < NR ? n - j0 : NR;
        if (transB) pack_bt(kb, nr, b + j0 * ldb + p0, ldb, slab + jp * kc * NR);
        else pack_b(kb, nr, b + p0 * ldb + j0, ldb, slab + jp * kc * NR);
      }
    }
    const float *ak = a + p0 * aks;
    int acc = p0 > 0;
    for (idx i0 = 0; i0 < m; i0 += mc) {
      idx i1 = i0 + mc < m ? i0 + mc : m;
      for (idx jp = 0; jp < panels; jp++) {
        idx j0 = jp * NR, nr = n - j0 < NR ? n - j0 : NR;
        __mmask16 m0 = lane_mask(nr), m1 = lane_mask(nr - 16);
        const float *bp = slab ? slab + jp * kc * NR : b + p0 * ldb + j0;
        idx bs = slab ? NR : ldb;
        idx i = i0;
        for (; i + MR <= i1; i += MR) {
          if (transA) tile_at(kb, ak + i * ars, lda, bp, bs, c + i * ldc + j0, ldc, m0, m1, acc);
          else tile_a(kb, ak + i * ars, lda, bp, bs, c + i * ldc + j0, ldc, m0, m1, acc);
        }
        if (i < i1) tile_rows((int)(i1 - i), kb, ak + i * ars, ars, aks, bp, bs, c + i * ldc + j0, ldc, m0, m1, acc);
      }
    }
  }
}

// One row of A times `nv` × 16 columns of B (the last vector masked to `width`),
// B read row by row, contiguously.
static inline __attribute__((always_inline)) TG_AVX512 void row_block(int nv, idx width, idx k, const float *a,
                                                                      idx aks, const float *b, idx ldb, float *c) {
  __m512 acc[16];
  __mmask16 last = lane_mask(width - (idx)(nv - 1) * 16);
  _Pragma("clang loop unroll(full)") for (int v = 0; v < 16; v++) acc[v] = _mm512_setzero_ps();
  for (idx p = 0; p < k; p++) {
    __m512 av = _mm512_set1_ps(a[p * aks]);
    const float *row = b + p * ldb;
    _Pragma("clang loop unroll(full)") for (int v = 0; v < 16; v++) {
      if (v < nv - 1) acc[v] = _mm512_fmadd_ps(av, _mm512_loadu_ps(row + v * 16), acc[v]);
      else if (v == nv - 1) acc[v] = _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(last, row + v * 16), acc[v]);
    }
  }
  _Pragma("clang loop unroll(full)") for (int v = 0; v < 16; v++) {
    if (v < nv - 1) _mm512_storeu_ps(c + v * 16, acc[v]);
    else if (v == nv - 1) _mm512_mask_storeu_ps(c + v * 16, last, acc[v]);
  }
}

#define TG_ROW_CASE(V) \
  case V: row_block(V, width, k, a, aks, b + j0, ldb, c + j0); break;

// One row of A times B (a vector-matrix product, B not transposed): B is read
// row by row, in address order, up to 256 columns at a time — a memory-bound
// product wants one pass over B.
static TG_AVX512 void row_times_b(idx n, idx k, const float *a, idx aks, const float *b, idx ldb, float *c) {
  for (idx j0 = 0; j0 < n; j0 += 256) {
    idx width = n - j0 < 256 ? n - j0 : 256;
    switch ((width + 15) / 16) {
      TG_ROW_CASE(1) TG_ROW_CASE(2) TG_ROW_CASE(3) TG_ROW_CASE(4) TG_ROW_CASE(5) TG_ROW_CASE(6) TG_ROW_CASE(7)
      TG_ROW_CASE(8) TG_ROW_CASE(9) TG_ROW_CASE(10) TG_ROW_CASE(11) TG_ROW_CASE(12) TG_ROW_CASE(13)
      TG_ROW_CASE(14) TG_ROW_CASE(15) TG_ROW_CASE(16)
      default: break;
    }
  }
}

int tg_sgemm_available(void) {
  __builtin_cpu_init();  // idempotent; reads the CPU model once per process
  return __builtin_cpu_supports("avx512f") ? 1 : 0;
}

int tg_sgemm_f32(int transA, int transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                 const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
  if (!tg_sgemm_available() || m <= 0 || n <= 0 || k <= 0) return 0;
  if (m == 1 && !transB) {
    row_times_b(n, k, a, transA ? lda : 1, b, ldb, c);
    return 1;
  }
  idx kblocks = (k + KC - 1) / KC;
  idx kc = (k + kblocks - 1) / kblocks;
  // Few rows: each panel of B would serve at most four tiles, not worth a copy.
  float *slab = NULL;
  if (transB || m > 4 * MR) {
    slab = pack_buffer((size_t)(kc * ((n + NR - 1) / NR) * NR));
    if (!slab) return 0;
  }
  sgemm_avx512(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, slab, kc);
  return 1;
}

#else

int tg_sgemm_available(void) { return 0; }

int tg_sgemm_f32(int transA, int transB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                 const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
  (void)transA, (void)transB, (void)m, (void)n, (void)k, (void)a, (void)lda, (void)b, (void)ldb, (void)c, (void)ldc;
  return 0;
}

#endif

#include "query/similarity/dot_product.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define EXPGRAPH_X86 1
#endif

namespace expgraph::similarity {
namespace {

#ifdef EXPGRAPH_X86

// Two independent 8-wide accumulators hide the FMA latency; the tail is done in scalar.
__attribute__((target("avx2,fma"))) float dot_avx2(const float* a, const float* b, size_t d) {
  __m256 sum0 = _mm256_setzero_ps();
  __m256 sum1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= d; i += 16) {
    sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), sum0);
    sum1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), sum1);
  }
  for (; i + 8 <= d; i += 8) {
    sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), sum0);
  }
  const __m256 sum = _mm256_add_ps(sum0, sum1);
  __m128 half = _mm_add_ps(_mm256_castps256_ps128(sum), _mm256_extractf128_ps(sum, 1));
  half = _mm_add_ps(half, _mm_movehl_ps(half, half));
  half = _mm_add_ss(half, _mm_shuffle_ps(half, half, 1));
  float result = _mm_cvtss_f32(half);
  for (; i < d; ++i) result += a[i] * b[i];
  return result;
}

float dot_sse2(const float* a, const float* b, size_t d) {
  __m128 sum0 = _mm_setzero_ps();
  __m128 sum1 = _mm_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= d; i += 8) {
    sum0 = _mm_add_ps(sum0, _mm_mul_ps(_mm_loadu_ps(a + i), _mm_loadu_ps(b + i)));
    sum1 = _mm_add_ps(sum1, _mm_mul_ps(_mm_loadu_ps(a + i + 4), _mm_loadu_ps(b + i + 4)));
  }
  __m128 sum = _mm_add_ps(sum0, sum1);
  sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
  sum = _mm_add_ss(sum, _mm_shuffle_ps(sum, sum, 1));
  float result = _mm_cvtss_f32(sum);
  for (; i < d; ++i) result += a[i] * b[i];
  return result;
}

bool has_avx2_fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

#else

// Four partial sums so the compiler can overlap the additions.
float dot_portable(const float* a, const float* b, size_t d) {
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  size_t i = 0;
  for (; i + 4 <= d; i += 4) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
  }
  for (; i < d; ++i) s0 += a[i] * b[i];
  return (s0 + s1) + (s2 + s3);
}

#endif

using DotFunction = float (*)(const float*, const float*, size_t);

struct Dispatch {
  DotFunction function;
  const char* isa;
};

// Chosen once, on first use (a function-local static is initialised thread-safely).
const Dispatch& dispatch() {
#ifdef EXPGRAPH_X86
  static const Dispatch chosen =
      has_avx2_fma() ? Dispatch{&dot_avx2, "avx2+fma"} : Dispatch{&dot_sse2, "sse2"};
#else
  static const Dispatch chosen{&dot_portable, "scalar"};
#endif
  return chosen;
}

}  // namespace

float dot_product(const float* a, const float* b, size_t dimension) {
  return dispatch().function(a, b, dimension);
}

const char* dot_product_isa() { return dispatch().isa; }

}  // namespace expgraph::similarity

// dot_product: the float inner product that every similarity score goes through (exact scans
// and the HNSW graph's distance computer). Debian's FAISS is a generic build whose
// fvec_inner_product is a scalar loop; this one picks AVX2+FMA at run time when the CPU has it
// and falls back to SSE2 (the x86-64 baseline) or plain C++ elsewhere. Pure; thread-safe.
#pragma once

#include <cstddef>

namespace expgraph::similarity {

// sum_i a[i] * b[i] over `dimension` floats.
float dot_product(const float* a, const float* b, size_t dimension);

// The instruction set dot_product uses on this machine ("avx2+fma", "sse2" or "scalar").
const char* dot_product_isa();

}  // namespace expgraph::similarity

// Tests of the SIMD dot product against a double-precision reference, for every tail length.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "query/similarity/dot_product.h"

namespace expgraph::similarity {
namespace {

TEST(SimilarityDotProduct, MatchesReferenceForAllLengths) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (size_t d = 0; d <= 70; ++d) {
    std::vector<float> a(d), b(d);
    double want = 0;
    for (size_t i = 0; i < d; ++i) {
      a[i] = uniform(rng);
      b[i] = uniform(rng);
      want += static_cast<double>(a[i]) * b[i];
    }
    EXPECT_NEAR(dot_product(a.data(), b.data(), d), want, 1e-5) << "d=" << d;
  }
  const std::string isa = dot_product_isa();
  EXPECT_TRUE(isa == "avx2+fma" || isa == "sse2" || isa == "scalar") << isa;
}

}  // namespace
}  // namespace expgraph::similarity

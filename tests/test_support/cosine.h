// Cosine similarity of two embedding vectors, in double precision; 0 when either is all zeros.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace expgraph::testing {

inline double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  return (na == 0 || nb == 0) ? 0.0 : dot / std::sqrt(na * nb);
}

}  // namespace expgraph::testing

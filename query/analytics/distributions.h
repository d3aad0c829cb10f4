// Distribution functions for the result statistics and meta-analysis in query/analytics:
// standard normal, Student t and chi-square. Pure functions of doubles, thread-safe.
// Arguments outside the domain (probability not in (0, 1), df <= 0) give NaN.
#pragma once

namespace expgraph::analytics {

// P(Z <= x) for a standard normal Z.
double normal_cdf(double x);
// The x with normal_cdf(x) == p, for p in (0, 1); -inf / +inf at p == 0 / 1.
// Acklam's rational approximation refined by one Halley step (relative error near 1e-15).
double normal_quantile(double p);

// P(T <= x) for Student's t with `df` > 0 degrees of freedom (df need not be an integer).
double student_t_cdf(double x, double df);
// The x with student_t_cdf(x, df) == p, for p in (0, 1).
double student_t_quantile(double p, double df);

// P(X <= x) for a chi-square X with `df` > 0 degrees of freedom; 0 for x <= 0.
double chi_square_cdf(double x, double df);
// P(X > x), computed directly so that tiny tail probabilities (p-values) stay accurate.
double chi_square_survival(double x, double df);

}  // namespace expgraph::analytics

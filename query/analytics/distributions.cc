#include "query/analytics/distributions.h"

#include <cmath>
#include <limits>
#include <numbers>

namespace expgraph::analytics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Continued fractions stop when a step changes the value by less than this ratio.
constexpr double kEpsilon = 1e-15;
// Lentz's method replaces exact zeros by this to avoid dividing by zero.
constexpr double kTiny = 1e-300;
constexpr int kMaxIterations = 500;

// log |Gamma(a)|. std::lgamma stores the sign of Gamma in the global `signgam`, a data race
// when requests compute it on several threads at once; lgamma_r (POSIX) returns the sign
// through its argument instead.
double log_gamma(double a) {
  int sign = 0;
  return lgamma_r(a, &sign);
}

// Regularized incomplete gamma: the lower P(a, x) or, with `upper`, Q(a, x) = 1 - P(a, x). Uses
// the power series of P for x < a + 1 and the Legendre continued fraction of Q otherwise (each
// converges fast there); the far tail is computed directly so it keeps its relative precision.
double regularized_gamma(double a, double x, bool upper) {
  if (x <= 0) return upper ? 1 : 0;
  const double log_front = -x + a * std::log(x) - log_gamma(a);
  if (x < a + 1) {
    double term = 1 / a;
    double sum = term;
    for (int n = 1; n < kMaxIterations; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::fabs(term) < std::fabs(sum) * kEpsilon) break;
    }
    const double lower = sum * std::exp(log_front);
    return upper ? 1 - lower : lower;
  }
  double b = x + 1 - a;
  double c = 1 / kTiny;
  double d = 1 / b;
  double fraction = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double step = d * c;
    fraction *= step;
    if (std::fabs(step - 1) < kEpsilon) break;
  }
  const double tail = std::exp(log_front) * fraction;
  return upper ? tail : 1 - tail;
}

// The continued fraction of the incomplete beta function (modified Lentz), which converges
// quickly for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  double c = 1;
  double d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double fraction = d;
  for (int m = 1; m < kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    // Even step.
    double coefficient = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
    d = 1 + coefficient * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + coefficient / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    fraction *= d * c;
    // Odd step.
    coefficient = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
    d = 1 + coefficient * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + coefficient / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double step = d * c;
    fraction *= step;
    if (std::fabs(step - 1) < kEpsilon) break;
  }
  return fraction;
}

// Regularized incomplete beta I_x(a, b), using the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) to
// stay on the side where the continued fraction converges.
double regularized_beta(double x, double a, double b) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(log_gamma(a + b) - log_gamma(a) - log_gamma(b) + a * std::log(x) +
                                b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

}  // namespace

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

double normal_quantile(double p) {
  if (std::isnan(p) || p < 0 || p > 1) return kNaN;
  if (p == 0) return -kInfinity;
  if (p == 1) return kInfinity;
  // P. J. Acklam's rational approximations: a central one and one for each tail.
  constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                          1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                          6.680131188771972e+01, -1.328068155288572e+01};
  constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                          -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                          3.754408661907416e+00};
  constexpr double kLowTail = 0.02425;
  double x;
  if (p < kLowTail || p > 1 - kLowTail) {
    const double q = std::sqrt(-2 * std::log(p < kLowTail ? p : 1 - p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    if (p > kLowTail) x = -x;
  } else {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  // One Halley step on normal_cdf(x) - p takes the 1e-9 approximation to full precision.
  const double error = normal_cdf(x) - p;
  const double u = error * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

double student_t_cdf(double x, double df) {
  if (std::isnan(x) || !(df > 0)) return kNaN;
  if (std::isinf(x)) return x > 0 ? 1 : 0;
  // P(|T| > |x|) = I_{df/(df+x^2)}(df/2, 1/2).
  const double tail = 0.5 * regularized_beta(df / (df + x * x), df / 2, 0.5);
  return x > 0 ? 1 - tail : tail;
}

double student_t_quantile(double p, double df) {
  if (std::isnan(p) || p < 0 || p > 1 || !(df > 0)) return kNaN;
  if (p == 0) return -kInfinity;
  if (p == 1) return kInfinity;
  if (p < 0.5) return -student_t_quantile(1 - p, df);
  if (p == 0.5) return 0;
  // The cdf is increasing: bracket the root in [0, high], then bisect. The t quantile is never
  // below the normal one, so that is where the bracket starts growing.
  double low = 0;
  double high = std::fmax(1.0, normal_quantile(p));
  while (student_t_cdf(high, df) < p) {
    low = high;
    high *= 2;
    if (std::isinf(high)) return kInfinity;
  }
  for (int i = 0; i < 200 && high - low > 1e-15 * high; ++i) {
    const double middle = 0.5 * (low + high);
    (student_t_cdf(middle, df) < p ? low : high) = middle;
  }
  return 0.5 * (low + high);
}

double chi_square_cdf(double x, double df) {
  if (std::isnan(x) || !(df > 0)) return kNaN;
  if (x <= 0) return 0;
  if (std::isinf(x)) return 1;
  return regularized_gamma(df / 2, x / 2, /*upper=*/false);
}

double chi_square_survival(double x, double df) {
  if (std::isnan(x) || !(df > 0)) return kNaN;
  if (x <= 0) return 1;
  if (std::isinf(x)) return 0;
  return regularized_gamma(df / 2, x / 2, /*upper=*/true);
}

}  // namespace expgraph::analytics

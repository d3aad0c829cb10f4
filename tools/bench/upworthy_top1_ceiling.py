#!/usr/bin/env python3
"""How high can a forecast's top-1 hit rate go on the Upworthy archive?

The forward evaluation (bench_upworthy_forward_eval) counts a hit when the top-ranked package
has the highest observed CTR of its test. Observed CTRs are noisy, so even a forecaster that
knew every package's true CTR would miss often; and a forecaster that knows part of the truth
lands in between. This script puts numbers on that, with no model: each test is read as a
random-effects model (a package's true logit CTR = the test's mean + an effect drawn from
N(0, tau^2); its observed logit = the true one + binomial noise), tau^2 is estimated from the
tests by the method of moments, true effects are drawn from their posterior given what was
observed, and a forecaster whose scores correlate rho with the true effects is simulated.
Its top-1 hit rate minus random (judged, as the evaluation does, against the observed best)
is printed for a range of rho: rho^2 is the share of the variance of true headline effects a
forecaster explains.

By default it reads only the tests that started before --before (the weeks the model's choices
are made on), never the evaluation weeks. Standard library only.

usage: tools/bench/upworthy_top1_ceiling.py [--csv FILE] [--before YYYY-MM-DD] [--draws N]
"""
import argparse
import collections
import csv
import datetime
import math
import random
import sys


def week_start(test_week):
    """First day (a Sunday, as strftime's %U counts) of a YYYYWW week, as the importer reads it."""
    year, week = divmod(int(test_week), 100)
    jan1 = datetime.date(year, 1, 1)
    first_sunday = jan1 + datetime.timedelta(days=(6 - jan1.weekday()) % 7)
    if week == 0:
        return jan1
    return first_sunday + datetime.timedelta(weeks=week - 1)


def read_tests(path, before):
    """Per test: (observed logit CTRs, their noise variances), for tests with >= 2 distinct
    headlines that started before `before`."""
    rows = collections.defaultdict(list)
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            impressions, clicks = int(row["impressions"]), int(row["clicks"])
            if impressions <= 0 or not row["test_week"].isdigit():
                continue
            rows[row["clickability_test_id"]].append(
                (int(row["test_week"]), row["headline"], impressions, clicks))
    tests = []
    for arms in rows.values():
        if len(arms) < 2 or len({a[1] for a in arms}) < 2:
            continue
        if week_start(min(a[0] for a in arms)) >= before:
            continue
        logits, variances = [], []
        for _, _, impressions, clicks in arms:
            # Half a click and half a non-click keep a package with no clicks finite.
            ctr = (clicks + 0.5) / (impressions + 1)
            logits.append(math.log(ctr / (1 - ctr)))
            variances.append(1 / (clicks + 0.5) + 1 / (impressions - clicks + 0.5))
        tests.append((logits, variances))
    return tests


def effect_variance(tests):
    """tau^2 by the method of moments: a test's sample variance of logits is tau^2 plus its
    packages' mean noise variance, in expectation."""
    excess = []
    for logits, variances in tests:
        n = len(logits)
        mean = sum(logits) / n
        sample = sum((l - mean) ** 2 for l in logits) / (n - 1)
        excess.append(sample - sum(variances) / n)
    return max(sum(excess) / len(excess), 1e-6)


def top1_gain(tests, tau2, rho, draws, rng):
    """Mean over tests of P(top-ranked == observed best) minus 1/n, for a forecaster whose
    scores correlate rho with the true effects."""
    gain = 0.0
    noise_share = math.sqrt(max(1 - rho * rho, 0.0))
    for logits, variances in tests:
        n = len(logits)
        mean = sum(logits) / n
        observed_best = max(range(n), key=logits.__getitem__)
        # Posterior of each effect given its observation: shrunk toward the test's mean.
        shrink = [tau2 / (tau2 + v) for v in variances]
        post_mean = [k * (l - mean) for k, l in zip(shrink, logits)]
        post_sd = [math.sqrt(k * v) for k, v in zip(shrink, variances)]
        hits = 0
        for _ in range(draws):
            scores = [rho * rng.gauss(m, s) / math.sqrt(tau2) + noise_share * rng.gauss(0, 1)
                      for m, s in zip(post_mean, post_sd)]
            hits += max(range(n), key=scores.__getitem__) == observed_best
        gain += hits / draws - 1 / n
    return gain / len(tests)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", default="../shared/data/upworthy/upworthy-packages-2013-2014.csv")
    parser.add_argument("--before", default="2014-06-01",
                        help="read only tests that started before this day (default 2014-06-01)")
    parser.add_argument("--draws", type=int, default=40, help="posterior draws per test")
    args = parser.parse_args()
    try:
        before = datetime.date.fromisoformat(args.before)
        tests = read_tests(args.csv, before)
    except (OSError, ValueError) as error:
        sys.exit(f"upworthy_top1_ceiling: {error}")
    if not tests:
        sys.exit("upworthy_top1_ceiling: no test with >= 2 distinct headlines before " + args.before)
    tau2 = effect_variance(tests)
    arms = sum(len(t[0]) for t in tests)
    noise = sorted(v for t in tests for v in t[1])[arms // 2]
    print(f"tests before {args.before} with >= 2 distinct headlines: {len(tests)} ({arms} packages); "
          f"sd of true effects {math.sqrt(tau2):.3f} (logit), median noise sd {math.sqrt(noise):.3f}")
    print(f"random top-1 (mean 1/n): {sum(1 / len(t[0]) for t in tests) / len(tests):.3f}")
    rng = random.Random(2014)
    for rho in (1.0, 0.8, 0.6, 0.5, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.0):
        gain = top1_gain(tests, tau2, rho, args.draws, rng)
        print(f"rho {rho:.2f} (explains {rho * rho:4.0%} of the true effects' variance): "
              f"top-1 minus random {gain:+.3f}", flush=True)


if __name__ == "__main__":
    main()

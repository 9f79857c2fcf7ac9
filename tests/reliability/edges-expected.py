#!/usr/bin/env python3
"""edges-expected.py - the exact-engine numbers the `edges` script expects, computed
independently of sentraj: exact fractions, and the bootstrap distribution of the
mean by enumerating all n^n equally likely resamples (as a convolution).

Usage: tests/reliability/edges-expected.py   (prints analyze --engine exact CSV rows)

Per conversation the delta is mean(last 3 human labels) - mean(first 3); the
percentile interval of the exact engine is [smallest v with P(mean <= v) >= a/2,
largest v with P(mean >= v) >= a/2] for a = 0.05 (tests/cli/README.md, the
analyze-exact case), and se = sqrt(population variance of the deltas / n).
"""
from fractions import Fraction as F
import math

# The human labels of tests/reliability/inputs/edges.csv, in message order.
CONVS = {
    's1': ('solo', [-0.5, -0.5, -0.5, 0, 0, 0]),
    'f1': ('flat', [0, 0, 0, -0.5, -0.5, 0]),
    'f2': ('flat', [0.5, 0.5, 0, 1, 0, 0, 0]),
    'f3': ('flat', [1, 0, 0, -1, 1, 0, -0.5, 0.5]),
    'p1': ('pair', [-0.5, -0.5, -0.5, 0.5, 0.5, 0.5]),
    'p2': ('pair', [0, 0, 0, 0, 0, 0]),
    # 'short' has 5 human messages: dropped by the filter.
}


def windows(labels):
    labels = [F(x) for x in labels]
    return sum(labels[:3]) / 3, sum(labels[-3:]) / 3


def boot_distribution(deltas):
    """P(mean of n draws with replacement = v), exactly."""
    n = len(deltas)
    dist = {F(0): F(1)}
    for _ in range(n):
        nxt = {}
        for s, p in dist.items():
            for d in deltas:
                nxt[s + d] = nxt.get(s + d, 0) + p / n
        dist = nxt
    return {s / n: p for s, p in dist.items()}


def fmt(x):
    return repr(float(x)) if x != int(x) or abs(x) > 1e15 else str(int(x))


def row(cat, convs):
    firsts = [windows(l)[0] for l in convs]
    lasts = [windows(l)[1] for l in convs]
    deltas = [b - a for a, b in zip(firsts, lasts)]
    n = len(deltas)
    mf, ml, md = sum(firsts) / n, sum(lasts) / n, sum(deltas) / n
    head = f'{cat},{n},{fmt(mf)},{fmt(ml)},{fmt(md)}'
    if n < 2:
        return f'{head},,,0.95,percentile,exact,0,42,,too_few'
    if len(set(deltas)) == 1:
        return f'{head},{fmt(md)},{fmt(md)},0.95,percentile,exact,0,42,0,degenerate'
    dist = sorted(boot_distribution(deltas).items())
    a2 = F(1, 40)
    cum, lo = F(0), None
    for v, p in dist:
        cum += p
        if cum >= a2:
            lo = v
            break
    cum, hi = F(0), None
    for v, p in reversed(dist):
        cum += p
        if cum >= a2:
            hi = v
            break
    var = sum((d - md) ** 2 for d in deltas) / n / n
    se = math.sqrt(var.numerator / var.denominator)
    return f'{head},{fmt(lo)},{fmt(hi)},0.95,percentile,exact,0,42,{se!r},ok'


def main():
    cats = {}
    for cid, (cat, labels) in CONVS.items():
        cats.setdefault(cat, []).append(labels)
    print('category,conversations,mean_first,mean_last,mean_delta,ci_low,ci_high,level,method,engine,'
          'resamples,seed,se,status')
    for cat in sorted(cats):
        print(row(cat, cats[cat]))
    print(row('all', [l for _, l in CONVS.values()]))


if __name__ == '__main__':
    main()

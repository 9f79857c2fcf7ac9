#!/usr/bin/env python3
"""oracle.py - an independent reference implementation of sentraj's bootstrap.

This script is written from the written specification of sentraj's index
engine (the stream derivation, PCG32, Lemire's bounded draw, the lattice
mean and the type-7 percentile interval), NOT from the C sources, and it
shares no code with them.  Its only job is to produce expected numbers for
the C unit tests and to be a slow, readable reference for small inputs.
Python 3 standard library only.  Every 64-bit quantity is a plain Python int
masked to 64 bits after each operation that could overflow.

Sub-commands
------------
  oracle.py selftest
      Check pcg32 against the published pcg-c transcript (seed 42, 54) and
      a few hand-checkable bootstrap properties.  Exits 1 on any failure.

  oracle.py pcg --seed S --name NAME --resample b --count k [--bound N]
      Print the first k outputs (hex and decimal) of the stream of
      (seed, category NAME, resample b); with --bound N, print the bounded
      draws bounded(N) instead.  Also prints the derived seeding values.

  oracle.py boot --seed S --resamples B --level L --name NAME [--unit U] v1 v2 ...
      Bootstrap the mean of the values and print status, estimate, ci_low,
      ci_high and se, each number with repr() (shortest round-trip form,
      at most 17 significant digits).  --unit U > 0 asks for the lattice
      (integer-code) path, used when every v/U is within 1e-9 of an integer;
      otherwise (or with --unit 0, the default) the double path is used.
      Values and the unit may be written as fractions ("1/6", "-5/6"); they
      are converted to the nearest double first, as a C test would write them.

  oracle.py analyze FILE [--seed S] [--resamples B] [--level L]
      Parse the long-format conversation CSV with the csv module, compute
      every kept conversation's delta and bootstrap each category and "all"
      with unit 1/6.  Prints category, conversations, mean_first, mean_last,
      mean_delta, ci_low, ci_high, se, status.  Slow: small files only.

Specification implemented (all arithmetic modulo 2^64 unless stated)
--------------------------------------------------------------------
  pcg32 (PCG-XSH-RR, 64-bit state, 32-bit output):
      seed(initstate, initseq): state = 0; inc = (initseq << 1) | 1; step;
                                state += initstate; step
      step:  state = state * 6364136223846793005 + inc
      next:  old = state; step; x = u32(((old >> 18) ^ old) >> 27);
             r = old >> 59; return rotr32(x, r)
  bounded(bound) (Lemire, with the rejection threshold computed lazily):
      x = next(); m = x * bound; l = m & 0xffffffff
      if l < bound: t = (2^32 - bound) % bound
                    while l < t: x = next(); m = x * bound; l = m & 0xffffffff
      return m >> 32
  mix64(z): z ^= z >> 30; z *= 0xbf58476d1ce4e5b9; z ^= z >> 27;
            z *= 0x94d049bb133111eb; z ^= z >> 31
  fnv1a64(bytes): h = 0xcbf29ce484222325; for c: h ^= c; h *= 0x100000001b3
  hash_name(name) = mix64(fnv1a64(utf-8 bytes of name))
  stream(seed, h, b):
      key       = mix64(mix64(seed) + h)
      initstate = mix64(key + b * 0x9e3779b97f4a7c15)
      initseq   = mix64(key ^ (b * 0xd1b54a32d192ed03 + 0x8bb84b93962eacc9))
      rng       = pcg32 seeded with (initstate, initseq)
  Index bootstrap of the mean of n values, resample b = 0 .. B-1, each with
  its own stream(seed, hash_name(category), b):
      lattice: integer codes k sorted ascending; S = sum of k[bounded(n)]
               over n draws (exact integer); with the unit u = 1/D for an
               integer D, mean_b = float(S) / float(D * n), one rounding
      doubles: values sorted ascending; s = 0.0; s += x[bounded(n)] in draw
               order; mean_b = s / n
  estimate: the same formula applied to the whole sorted sample.
  se: mbar = (sum of the means in resample order) / B;
      se = sqrt(sum over resample order of (m - mbar)^2 / (B - 1))
  percentile interval at level L: sort the means; alpha = (1 - L) / 2;
      q(p): h = (B - 1) * p; lo = floor(h);
            x[lo] if lo == B - 1 else x[lo] + (h - lo) * (x[lo+1] - x[lo])
      ci = (q(alpha), q(1 - alpha))
  status: n < 2 -> too_few (ci and se NaN);
          every value equal -> degenerate (ci = the value, se = 0, no draws);
          otherwise ok.
"""

import argparse
import csv
import math
import sys
from fractions import Fraction

MASK64 = (1 << 64) - 1
MASK32 = (1 << 32) - 1

PCG_MULT = 6364136223846793005


# ---------------------------------------------------------------------------
# Random numbers
# ---------------------------------------------------------------------------

class Pcg32:
    """PCG-XSH-RR: 64-bit LCG state, 32-bit output by xorshift + random rotation."""

    def __init__(self, initstate, initseq):
        self.state = 0
        self.inc = ((initseq << 1) | 1) & MASK64
        self._step()
        self.state = (self.state + initstate) & MASK64
        self._step()

    def _step(self):
        self.state = (self.state * PCG_MULT + self.inc) & MASK64

    def next(self):
        old = self.state
        self._step()
        xorshifted = (((old >> 18) ^ old) >> 27) & MASK32
        rot = old >> 59
        # rotate right by rot within 32 bits
        return ((xorshifted >> rot) | (xorshifted << ((32 - rot) & 31))) & MASK32

    def bounded(self, bound):
        """A uniform integer in [0, bound), Lemire's multiply-and-reject method."""
        if not 0 < bound <= MASK32:
            raise ValueError("bound must be in [1, 2^32)")
        m = self.next() * bound
        low = m & MASK32
        if low < bound:
            threshold = ((1 << 32) - bound) % bound
            while low < threshold:
                m = self.next() * bound
                low = m & MASK32
        return m >> 32


def mix64(z):
    """SplitMix64's finaliser."""
    z &= MASK64
    z ^= z >> 30
    z = (z * 0xbf58476d1ce4e5b9) & MASK64
    z ^= z >> 27
    z = (z * 0x94d049bb133111eb) & MASK64
    z ^= z >> 31
    return z


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for byte in data:
        h ^= byte
        h = (h * 0x100000001b3) & MASK64
    return h


def hash_name(name):
    return mix64(fnv1a64(name.encode("utf-8")))


def stream_seeds(seed, name_hash, resample):
    """The (initstate, initseq) pair of one (seed, category, resample) stream."""
    key = mix64((mix64(seed & MASK64) + name_hash) & MASK64)
    initstate = mix64((key + resample * 0x9e3779b97f4a7c15) & MASK64)
    initseq = mix64(key ^ ((resample * 0xd1b54a32d192ed03 + 0x8bb84b93962eacc9) & MASK64))
    return initstate, initseq


def stream(seed, name_hash, resample):
    return Pcg32(*stream_seeds(seed, name_hash, resample))


# ---------------------------------------------------------------------------
# Samples and the bootstrap
# ---------------------------------------------------------------------------

class Sample:
    """Values ready for resampling: sorted; integer lattice codes when possible."""

    def __init__(self, values, unit=0.0):
        self.n = len(values)
        self.unit = float(unit)
        self.codes = None      # sorted integer codes (lattice path)
        self.values = None     # sorted doubles (double path)
        for v in values:
            if not math.isfinite(v):
                raise ValueError("values must be finite")
        if self.unit > 0.0:
            codes = []
            for v in values:
                ratio = v / self.unit
                k = round(ratio)
                if abs(ratio - k) > 1e-9 or not -(1 << 31) <= k < (1 << 31):
                    codes = None
                    break
                codes.append(int(k))
            denom = round(1.0 / self.unit)
            if abs(1.0 / self.unit - denom) > 1e-9 * denom:
                codes = None  # the lattice needs a unit 1/D with D an integer
            if codes is not None:
                self.codes = sorted(codes)
                self.denom = denom
        if self.codes is None:
            self.values = sorted(float(v) for v in values)

    @property
    def is_lattice(self):
        return self.codes is not None

    def all_equal(self):
        items = self.codes if self.is_lattice else self.values
        return all(x == items[0] for x in items)

    def mean_of_draws(self, draws):
        """The mean of the sample elements at the given indexes (in that order)."""
        if self.is_lattice:
            total = 0
            for i in draws:
                total += self.codes[i]
            return float(total) / float(self.denom * len(draws))
        total = 0.0
        for i in draws:
            total += self.values[i]
        return total / len(draws)

    def mean(self):
        if self.n == 0:
            return math.nan
        return self.mean_of_draws(range(self.n))


def quantile_sorted(x, p):
    """Type-7 quantile (numpy's default) of the sorted list x."""
    h = (len(x) - 1) * p
    lo = math.floor(h)
    if lo >= len(x) - 1:
        return x[len(x) - 1]
    return x[lo] + (h - lo) * (x[lo + 1] - x[lo])


def resampled_means(sample, name, seed, resamples):
    """The B resampled means, in resample order."""
    h = hash_name(name)
    means = []
    for b in range(resamples):
        rng = stream(seed, h, b)
        draws = [rng.bounded(sample.n) for _ in range(sample.n)]
        means.append(sample.mean_of_draws(draws))
    return means


def boot_mean(sample, name, seed, resamples, level):
    """Return a dict: status, estimate, ci_low, ci_high, se (and the means)."""
    out = {"estimate": sample.mean(), "ci_low": math.nan, "ci_high": math.nan,
           "se": math.nan, "means": None}
    if sample.n < 2:
        out["status"] = "too_few"
        return out
    if sample.all_equal():
        out["status"] = "degenerate"
        out["ci_low"] = out["ci_high"] = out["estimate"]
        out["se"] = 0.0
        return out
    if resamples < 2:
        raise ValueError("need at least 2 resamples")
    means = resampled_means(sample, name, seed, resamples)

    mbar = 0.0
    for m in means:
        mbar += m
    mbar /= resamples
    ss = 0.0
    for m in means:
        ss += (m - mbar) * (m - mbar)
    se = math.sqrt(ss / (resamples - 1))

    ordered = sorted(means)
    alpha = (1.0 - level) / 2.0
    out.update(status="ok", ci_low=quantile_sorted(ordered, alpha),
               ci_high=quantile_sorted(ordered, 1.0 - alpha), se=se, means=means)
    return out


# ---------------------------------------------------------------------------
# The conversation CSV (analyze)
# ---------------------------------------------------------------------------

HUMAN_ROLES = {"human", "user"}
ASSISTANT_ROLES = {"assistant", "claude", "model", "ai", "bot"}
IGNORED_ROLES = {"system", "tool"}

LABELS = {"verynegative": -1.0, "negative": -0.5, "neutral": 0.0,
          "positive": 0.5, "verypositive": 1.0}

MIN_HUMAN = 6
WINDOW = 3
DELTA_UNIT = 1.0 / 6.0   # labels are multiples of 1/2; a 3-mean difference: of 1/6


def parse_label(text):
    """A sentiment label or a number in [-1, 1] -> float."""
    folded = "".join(ch for ch in text.strip().lower() if ch not in " -_")
    if folded in LABELS:
        return LABELS[folded]
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError("bad sentiment %r" % text) from None
    if not -1.0 <= value <= 1.0:   # also rejects NaN
        raise ValueError("sentiment %r outside [-1, 1]" % text)
    return value


def split_categories(text):
    return sorted({c.strip() for c in text.split(";") if c.strip()})


def read_conversations(path):
    """Return {conversation_id: {"categories": [...], "human": [(index, label)]}}."""
    conversations = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        header = [h.strip().lower() for h in next(reader)]
        needed = ["conversation_id", "message_index", "role", "sentiment", "categories"]
        col = {}
        for name in needed:
            if name not in header:
                raise ValueError("missing column %s" % name)
            col[name] = header.index(name)
        for lineno, row in enumerate(reader, start=2):
            if not row:
                continue
            cid = row[col["conversation_id"]]
            index = int(row[col["message_index"]].strip())
            role = row[col["role"]].strip().lower()
            conv = conversations.setdefault(
                cid, {"categories": split_categories(row[col["categories"]]),
                      "human": [], "indexes": set()})
            if index in conv["indexes"]:
                raise ValueError("line %d: duplicate message_index %d in %s" % (lineno, index, cid))
            conv["indexes"].add(index)
            if split_categories(row[col["categories"]]) != conv["categories"]:
                raise ValueError("line %d: categories differ within %s" % (lineno, cid))
            if role in HUMAN_ROLES:
                conv["human"].append((index, parse_label(row[col["sentiment"]])))
            elif role not in ASSISTANT_ROLES and role not in IGNORED_ROLES:
                raise ValueError("line %d: unknown role %r" % (lineno, role))
    return conversations


def analyze(path, seed, resamples, level):
    conversations = read_conversations(path)
    # per category: lists of (first-window sum, last-window sum, delta) of kept conversations
    groups = {}
    kept_all = []
    for cid in sorted(conversations):
        conv = conversations[cid]
        for cat in conv["categories"]:
            groups.setdefault(cat, [])
        labels = [label for _, label in sorted(conv["human"])]
        if len(labels) < MIN_HUMAN:
            continue
        first = labels[:WINDOW]
        last = labels[-WINDOW:]
        mean_first = (first[0] + first[1] + first[2]) / 3.0
        mean_last = (last[0] + last[1] + last[2]) / 3.0
        item = (mean_first, mean_last, mean_last - mean_first)
        kept_all.append(item)
        for cat in conv["categories"]:
            groups[cat].append(item)

    rows = [(cat, groups[cat]) for cat in sorted(groups)]
    rows.append(("all", kept_all))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["category", "conversations", "mean_first", "mean_last", "mean_delta",
                  "ci_low", "ci_high", "se", "status"])
    for cat, items in rows:
        n = len(items)
        first = Sample([i[0] for i in items], DELTA_UNIT)
        last = Sample([i[1] for i in items], DELTA_UNIT)
        deltas = Sample([i[2] for i in items], DELTA_UNIT)
        result = boot_mean(deltas, cat, seed, resamples, level)
        out.writerow([cat, n, fmt(first.mean()), fmt(last.mean()), fmt(result["estimate"]),
                      fmt(result["ci_low"]), fmt(result["ci_high"]), fmt(result["se"]),
                      result["status"]])


def fmt(x):
    return "" if isinstance(x, float) and math.isnan(x) else repr(x)


# ---------------------------------------------------------------------------
# Self test
# ---------------------------------------------------------------------------

def selftest():
    failures = 0

    def check(cond, what):
        nonlocal failures
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures += 1

    # Published pcg-c transcript (test-high/expected/check-pcg32.out, round 1)
    # and the state right after seeding.
    rng = Pcg32(42, 54)
    check(rng.state == 0x185706b82c2e03f8 and rng.inc == 0x6d, "pcg32 seed(42, 54) state and inc")
    got = [rng.next() for _ in range(6)]
    want = [0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e]
    check(got == want, "pcg32 seed(42, 54) first six outputs")
    # Round 2 starts at raw position 155 (each round consumes 155 outputs).
    for _ in range(155 - 6):
        rng.next()
    got = [rng.next() for _ in range(6)]
    want = [0x74ab93ad, 0x1c1da000, 0x494ff896, 0x34462f2f, 0xd308a3e5, 0x0fa83bab]
    check(got == want, "pcg32 seed(42, 54) outputs 155..160")

    # rotr32 edge: rotation 0 must not shift by 32
    check(all(0 <= Pcg32(s, 7).next() <= MASK32 for s in range(100)), "pcg32 outputs fit 32 bits")

    # bounded: range, and bound 1 always 0
    rng = Pcg32(1, 2)
    check(all(rng.bounded(1) == 0 for _ in range(100)), "bounded(1) == 0")
    check(all(0 <= rng.bounded(7) < 7 for _ in range(1000)), "bounded(7) in [0, 7)")
    # A bound just above 2^31 rejects about half of the draws: still in range.
    big = (1 << 31) + 1
    check(all(0 <= rng.bounded(big) < big for _ in range(200)), "bounded(2^31+1) in range")

    # FNV-1a 64 of the empty string and of "a" (published test vectors)
    check(fnv1a64(b"") == 0xcbf29ce484222325, "fnv1a64('')")
    check(fnv1a64(b"a") == 0xaf63dc4c8601ec8c, "fnv1a64('a')")
    check(mix64(0) == 0, "mix64(0) == 0")

    # Streams differ by resample and by name, and are reproducible.
    a = [stream(42, hash_name("x"), 0).next() for _ in range(2)]
    b = stream(42, hash_name("x"), 1).next()
    c = stream(42, hash_name("y"), 0).next()
    check(a[0] == a[1] and a[0] != b and a[0] != c, "streams: reproducible, distinct")

    # Sample [0, 1], unit 1: every resampled mean is 0, 0.5 or 1.
    r = boot_mean(Sample([0.0, 1.0], 1.0), "t", 42, 2000, 0.95)
    means = set(r["means"])
    check(means <= {0.0, 0.5, 1.0} and len(means) == 3, "[0,1] unit 1: means in {0, .5, 1}")
    # P(0) = P(1) = 1/4, so with B = 2000 the 2.5% and 97.5% quantiles are 0 and 1.
    check(r["ci_low"] == 0.0 and r["ci_high"] == 1.0 and r["estimate"] == 0.5,
          "[0,1] unit 1: ci (0, 1), estimate 0.5")
    # se of the mean of 2 draws from {0,1}: sqrt(0.25/2) = 0.3536; within MC error
    check(abs(r["se"] - math.sqrt(0.125)) < 0.02, "[0,1] unit 1: se ~ 0.354")
    # The same sample on the double path gives identical means (exact arithmetic).
    r2 = boot_mean(Sample([1.0, 0.0]), "t", 42, 2000, 0.95)
    check(r2["means"] == r["means"], "[0,1]: double path == lattice path")
    # A hand-checked resample: the stream's own draws determine the mean.
    rng = stream(42, hash_name("t"), 0)
    d = [rng.bounded(2), rng.bounded(2)]
    check(r["means"][0] == sum(d) / 2, "[0,1]: resample 0 is the mean of its two draws")

    # Lattice: 1/6-multiples give exact codes; a non-lattice value falls back to doubles.
    s = Sample([-5 / 6, 1 / 6, 0.5], 1 / 6)
    check(s.is_lattice and s.codes == [-5, 1, 3], "lattice codes of -5/6, 1/6, 1/2")
    check(not Sample([0.3, 1 / 6], 1 / 6).is_lattice, "0.3 is off the 1/6 lattice")

    # Statuses
    check(boot_mean(Sample([0.5]), "t", 1, 10, 0.95)["status"] == "too_few", "n = 1: too_few")
    r = boot_mean(Sample([0.5, 0.5, 0.5], 0.5), "t", 1, 10, 0.95)
    check(r["status"] == "degenerate" and r["ci_low"] == r["ci_high"] == 0.5 and r["se"] == 0.0,
          "all equal: degenerate")

    # Quantile rule on a small array
    check(quantile_sorted([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5, "type-7 quantile median")
    check(quantile_sorted([1.0, 2.0, 3.0, 4.0], 1.0) == 4.0, "type-7 quantile p = 1")
    check(quantile_sorted([1.0, 2.0, 3.0, 4.0], 0.025) == 1.075, "type-7 quantile p = .025")

    # Labels
    check(parse_label(" Very_Positive ") == 1.0 and parse_label("very-negative") == -1.0
          and parse_label("NEUTRAL") == 0.0 and parse_label("-0.25") == -0.25, "labels")

    print("%d failure(s)" % failures)
    return 1 if failures else 0


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def parse_u64(text):
    value = int(text, 0)
    if not 0 <= value <= MASK64:
        raise argparse.ArgumentTypeError("not a 64-bit unsigned integer: %s" % text)
    return value


def parse_number(text):
    """A decimal or a fraction such as -5/6, as the nearest double."""
    try:
        return float(Fraction(text.strip()))
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError("not a number: %s" % text) from None


def main(argv):
    parser = argparse.ArgumentParser(description="Independent reference for sentraj's bootstrap.")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("selftest", help="check pcg32 against the published transcript")

    p = sub.add_parser("pcg", help="print the outputs of one stream")
    p.add_argument("--seed", type=parse_u64, default=42)
    p.add_argument("--name", required=True)
    p.add_argument("--resample", type=parse_u64, default=0)
    p.add_argument("--count", type=int, default=6)
    p.add_argument("--bound", type=int, default=0, help="print bounded(BOUND) draws instead")

    p = sub.add_parser("boot", help="bootstrap the mean of a sample")
    p.add_argument("--seed", type=parse_u64, default=42)
    p.add_argument("--resamples", type=int, default=1000)
    p.add_argument("--level", type=parse_number, default=0.95)
    p.add_argument("--name", required=True)
    p.add_argument("--unit", type=parse_number, default=0.0)
    p.add_argument("--means", action="store_true", help="also print the resampled means")
    p.add_argument("values", nargs="*", type=parse_number)

    p = sub.add_parser("analyze", help="slow reference analysis of a small CSV")
    p.add_argument("file")
    p.add_argument("--seed", type=parse_u64, default=42)
    p.add_argument("--resamples", type=int, default=1000)
    p.add_argument("--level", type=parse_number, default=0.95)

    args = parser.parse_args(argv)

    if args.command == "selftest":
        return selftest()

    if args.command == "pcg":
        h = hash_name(args.name)
        initstate, initseq = stream_seeds(args.seed, h, args.resample)
        print("# name_hash 0x%016x initstate 0x%016x initseq 0x%016x" % (h, initstate, initseq))
        rng = Pcg32(initstate, initseq)
        for _ in range(args.count):
            if args.bound > 0:
                print(rng.bounded(args.bound))
            else:
                x = rng.next()
                print("0x%08x %d" % (x, x))
        return 0

    if args.command == "boot":
        sample = Sample(args.values, args.unit)
        r = boot_mean(sample, args.name, args.seed, args.resamples, args.level)
        print("status", r["status"])
        print("lattice", "yes" if sample.is_lattice else "no")
        for key in ("estimate", "ci_low", "ci_high", "se"):
            print(key, repr(r[key]))
        if args.means and r["means"] is not None:
            for b, m in enumerate(r["means"]):
                print("mean", b, repr(m))
        return 0

    if args.command == "analyze":
        analyze(args.file, args.seed, args.resamples, args.level)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

/* exact_plan.h - what the exact engines share: the transform's window, its length and its limits. */
#ifndef SENTRAJ_EXACT_PLAN_H
#define SENTRAJ_EXACT_PLAN_H

#include "sentraj.h"

#include "boot/sample.h"

#include <float.h>

/* The sum of n draws with replacement from a sample whose distinct lattice
 * points x_j carry probabilities p_j = count_j / n has the n-fold convolution
 * of that pmf as its distribution (the "ideal" bootstrap of Efron &
 * Tibshirani 1993, ch. 6, with B = infinity). By the convolution theorem its
 * DFT is the pmf's DFT raised to the n-th power, so one forward and one
 * inverse transform give all of it. The offsets x_j - min x are first divided
 * by their gcd g (every sum is then a multiple of g), which shortens the
 * transform g-fold; the result is spread back with zeros in between.
 *
 * Mass outside a window. The transform is circular: with length L the result
 * at index i is the sum of P(S = x) over every x = i (mod L). Instead of a
 * length covering the whole support (n * range + 1 points) we cover a window
 * of L consecutive sums around E[S], each residue class mod L then has
 * exactly one representative in the window, and the value read there is its
 * true probability plus the mass of the other members of its class, all
 * outside the window. The total error over the window is therefore at most
 * P(S outside the window). Two classical tail bounds for a sum of n
 * independent draws with range R, variance v and largest deviation
 * M = max |X - E X| bound it (Boucheron, Lugosi & Massart 2013, Thm 2.8 and
 * Cor. 2.11):
 *
 *   Hoeffding  P(|S - E S| >= t) <= 2 exp(-2 t^2 / (n R^2))
 *   Bernstein  P(|S - E S| >= t) <= 2 exp(-t^2 / (2 (n v + M t / 3)))
 *
 * We solve each for the t that makes the right side TAIL, keep the smaller t
 * (both bounds hold, so the smaller is still a bound), and centre a window of
 * 2 ceil(t) + 1 points on E[S], which is an integer here (n times the
 * sample's mean is the sample's total). Every sum outside it is more than t
 * away from E[S], so the aliased mass is below TAIL. Rounding L up to a fast
 * length widens the window on both sides, and a window poking out of the
 * support is slid back inside, which keeps the core covered; when L reaches
 * the full support there is no aliasing at all. Bernstein's bound uses
 * the variance and is several times tighter than Hoeffding's for typical
 * label deltas, whose variance is far below R^2 / 4. */
#define TAIL 1e-20

/* Coefficients whose n-th power has modulus below exp(NEGLIGIBLE) are set to
 * zero: the inverse transform averages L coefficients, so each one moves a
 * probability by at most its modulus (here 2.5e-31). */
#define NEGLIGIBLE (-70.0)

/* Round-off of the inverse transform leaves values of a few DBL_EPSILON
 * times the largest probability (measured: up to 4) in every cell,
 * including sums that cannot occur. Values up to ROUNDOFF times the largest
 * are indistinguishable from zero and are set to zero. */
#define ROUNDOFF (64 * DBL_EPSILON)

/* One axis of a transform: the lattice of the sums of one per-draw quantity
 * (the value, or its square for the studentized statistic). */
typedef struct exact_axis {
    int64_t g;       /* gcd of the per-draw offsets: every sum is a multiple of g */
    uint64_t range;  /* largest reduced offset (the smallest is 0) */
    uint64_t center; /* E[sum of reduced offsets], an integer */
    size_t len;      /* transform length L */
    size_t w0;       /* first reduced sum represented */
    size_t npts;     /* reduced sums read back: w0 .. w0 + npts - 1 */
} exact_axis;

/* Plan one axis for K per-draw offsets off[j] >= 0 (with min 0) drawn with
 * counts cnt[j] out of n. The offsets are divided by their gcd in place.
 * Returns the points the axis needs before rounding up to a fast length (as
 * a double, since it is compared with limits before any size_t arithmetic
 * can overflow); exact_axis_finish then fixes the length. */
double exact_axis_plan(uint64_t *off, const uint64_t *cnt, size_t K, size_t n, exact_axis *ax);

/* Fix the transform length and the window once need has passed the limits. */
void exact_axis_finish(exact_axis *ax, size_t n, double need);

/* The distinct lattice points of s, widened so that differences of two
 * cannot overflow. */
void exact_distinct_q(const sentraj_sample *s, int64_t *q);

/* SENTRAJ_ELIMIT for a transform of `need` `what` (points, cells) past limit. */
int exact_limit_error(sentraj_error *err, const char *what, double need, size_t n, size_t limit);

/* SENTRAJ_EUSAGE unless s is on a lattice and not empty. Every exact
 * transform starts here, so this is also where GSL's abort-on-error handler
 * is turned off (core/gsl_errors.h). */
int exact_check_input(const sentraj_sample *s, sentraj_error *err);

#endif

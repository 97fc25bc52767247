"""The statistics A/B results need, in pure Python (the serving process has no scipy).

- ``chi_square``: Pearson's test of independence on a variants x (converted, not) table;
- ``welch``: Welch's two-sample t-test from means, variances and counts;
- ``proportion_diff_ci`` and ``mean_diff_ci``: 95% intervals for the difference to control.

p-values come from the regularized incomplete gamma and beta functions (continued fractions
as in Numerical Recipes §6.2 and §6.4); the tests hold them to scipy's answers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

_EPS = 1e-14
_ITERATIONS = 300
Z95 = 1.959963984540054


def _gamma_series(a: float, x: float) -> float:
    term = total = 1.0 / a
    n = a
    for _ in range(_ITERATIONS):
        n += 1
        term *= x / n
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _gamma_fraction(a: float, x: float) -> float:
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, _ITERATIONS):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def gamma_q(a: float, x: float) -> float:
    """Regularized upper incomplete gamma Q(a, x)."""
    if x <= 0:
        return 1.0
    if x < a + 1:
        return 1.0 - _gamma_series(a, x)
    return _gamma_fraction(a, x)


def _beta_fraction(a: float, b: float, x: float) -> float:
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (tiny if abs(d) < tiny else d)
    h = d
    for m in range(1, _ITERATIONS):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (tiny if abs(d) < tiny else d)
        c = 1 + aa / c
        c = tiny if abs(c) < tiny else c
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (tiny if abs(d) < tiny else d)
        c = 1 + aa / c
        c = tiny if abs(c) < tiny else c
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return h


def beta_i(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x))
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1 - front * _beta_fraction(b, a, 1 - x) / b


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with ``df`` degrees of freedom."""
    return beta_i(df / 2, 0.5, df / (df + t * t))


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile (p > 0.5) of Student's t, by bisection on the two-sided tail."""
    tail = 2 * (1 - p)
    lo, hi = 0.0, 1e3
    for _ in range(200):
        mid = (lo + hi) / 2
        if t_two_sided_p(mid, df) > tail:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@dataclass(frozen=True)
class TestResult:
    statistic: float
    df: float
    p_value: float


def chi_square(table: list[tuple[int, int]]) -> TestResult | None:
    """Pearson's chi-square on rows of (converted, not converted); None when undefined."""
    rows = [(a, b) for a, b in table]
    total = sum(a + b for a, b in rows)
    columns = (sum(a for a, _ in rows), sum(b for _, b in rows))
    if len(rows) < 2 or total == 0 or 0 in columns or any(a + b == 0 for a, b in rows):
        return None
    statistic = 0.0
    for a, b in rows:
        n = a + b
        for observed, column in ((a, columns[0]), (b, columns[1])):
            expected = n * column / total
            statistic += (observed - expected) ** 2 / expected
    df = len(rows) - 1
    return TestResult(statistic, df, gamma_q(df / 2, statistic / 2))


def welch(mean_a: float, var_a: float, n_a: int, mean_b: float, var_b: float, n_b: int) -> TestResult | None:
    """Welch's t-test of mean_b - mean_a; None when a group has fewer than two values."""
    if n_a < 2 or n_b < 2:
        return None
    se2 = var_a / n_a + var_b / n_b
    if se2 == 0:
        return None
    t = (mean_b - mean_a) / math.sqrt(se2)
    df = se2 ** 2 / ((var_a / n_a) ** 2 / (n_a - 1) + (var_b / n_b) ** 2 / (n_b - 1))
    return TestResult(t, df, t_two_sided_p(t, df))


def proportion_diff_ci(x_a: int, n_a: int, x_b: int, n_b: int) -> tuple[float, float] | None:
    """95% Wald interval of p_b - p_a."""
    if not n_a or not n_b:
        return None
    p_a, p_b = x_a / n_a, x_b / n_b
    se = math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    return (p_b - p_a - Z95 * se, p_b - p_a + Z95 * se)


def mean_diff_ci(mean_a, var_a, n_a, mean_b, var_b, n_b) -> tuple[float, float] | None:
    """95% Welch interval of mean_b - mean_a."""
    result = welch(mean_a, var_a, n_a, mean_b, var_b, n_b)
    if result is None:
        return None
    half = t_quantile(0.975, result.df) * math.sqrt(var_a / n_a + var_b / n_b)
    return (mean_b - mean_a - half, mean_b - mean_a + half)

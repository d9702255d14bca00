"""Fairness of the draw (issue 5 §6): across 2,000 draws with different seeds, each entity's selection
frequency in its stratum passes a chi-square goodness-of-fit test at p > 0.001; and the draw takes
exactly ``ceil(ratio × size)`` per stratum, with the ratio as an exact decimal.

No database: ``inspections.draw.draw`` is a plain function of the seed and the population file.
"""

import hashlib
import math
from collections import Counter
from decimal import Decimal

import pytest

from inspections import draw as algo

DRAWS = 2000
ALPHA = 0.001


def chi2_sf(x: float, df: int) -> float:
    """P(χ²(df) ≥ x): the regularized upper incomplete gamma Q(df/2, x/2), without scipy.

    Series for P(a, z) below z < a + 1, Lentz's continued fraction for Q(a, z) above
    (Numerical Recipes §6.2).
    """
    a, z = df / 2, x / 2
    if z <= 0:
        return 1.0
    log_prefix = -z + a * math.log(z) - math.lgamma(a)
    if z < a + 1:
        term = total = 1 / a
        n = a
        while abs(term) > abs(total) * 1e-15:
            n += 1
            term *= z / n
            total += term
        return 1 - total * math.exp(log_prefix)
    tiny = 1e-300
    b = z + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return math.exp(log_prefix) * h


def test_chi2_sf_matches_published_critical_values():
    # χ²(0.999, 19) = 43.82 and χ²(0.95, 19) = 30.14 (NIST/SEMATECH e-Handbook, table 1.3.6.7.4);
    # χ²(0.5, 2) = 2 ln 2 exactly.
    assert chi2_sf(43.82, 19) == pytest.approx(0.001, abs=2e-6)
    assert chi2_sf(30.14, 19) == pytest.approx(0.05, abs=1e-4)
    assert chi2_sf(2 * math.log(2), 2) == pytest.approx(0.5, abs=1e-12)
    assert chi2_sf(7.633, 19) == pytest.approx(0.99, abs=1e-4)  # lower-tail 1% point of the same table (series branch)


def uscc_like(i: int) -> str:
    return f"91410100MA{i:07d}X"


def seed_for(i: int) -> str:
    # Different, fixed seeds (SHA-256 of the draw number), so the test is deterministic, not flaky.
    return hashlib.sha256(f"fairness-{i}".encode()).hexdigest()


def test_each_entity_is_selected_equally_often_in_its_stratum():
    # Given a stratum A of 20 entities at 25% (5 a draw) and a stratum D of 8 at 50% (4 a draw)
    strata = {"A": (20, Decimal("0.25")), "D": (8, Decimal("0.5"))}
    rows, n = [], 0
    for stratum, (size, _ratio) in strata.items():
        for _ in range(size):
            rows.append((uscc_like(n), stratum))
            n += 1
    population = algo.population_file(rows)
    ratios = {s: ratio for s, (_size, ratio) in strata.items()}
    # When it is drawn 2,000 times with different seeds
    counts = Counter()
    for i in range(DRAWS):
        outcome = algo.draw(seed_for(i), population, ratios)
        counts.update((stratum, code) for code, stratum, _rank, _mac in outcome.selected)
    # Then, in each stratum, the selection counts fit the uniform distribution
    for stratum, (size, ratio) in strata.items():
        k = algo.take(ratio, size)
        observed = [counts[(stratum, code)] for code, s in rows if s == stratum]
        assert sum(observed) == DRAWS * k
        expected = DRAWS * k / size  # 500 for A, 1000 for D
        p = k / size
        # Pearson's Σ(O−E)²/E assumes multinomial counts. Here each draw takes k *distinct* entities
        # (hypergeometric), so Var(O) = n·p(1−p) and the counts are negatively correlated; their
        # covariance is n·p(1−p)·N/(N−1)·(I − J/N), whence Σ(O−E)² / (n·p(1−p)·N/(N−1)) ~ χ²(N−1).
        # (Plain Pearson would understate the statistic by the factor (1−p)·N/(N−1), i.e. be lenient.)
        scale = DRAWS * p * (1 - p) * size / (size - 1)
        statistic = sum((o - expected) ** 2 for o in observed) / scale
        p_value = chi2_sf(statistic, size - 1)
        assert p_value > ALPHA, (
            f"层 {stratum}：χ²={statistic:.2f}，df={size - 1}，p={p_value:.5f}，各主体被抽中次数 {observed}"
        )
        if stratum == "A":
            assert statistic < 43.82  # χ²(0.999, 19), the same test by the table's critical value


def test_a_biased_selection_fails_the_same_test():
    # The test has teeth: a rule that favours low USCCs a little (entity 0 taken twice as often) is caught.
    observed = [1000] + [9000 / 19] * 19
    scale = DRAWS * 0.25 * 0.75 * 20 / 19
    statistic = sum((o - 500) ** 2 for o in observed) / scale
    assert chi2_sf(statistic, 19) < ALPHA


@pytest.mark.parametrize(
    ("ratio", "size", "expected"),
    [
        (Decimal("0.01"), 1, 1),  # a stratum of one is still sampled: ceil(0.01) = 1
        (Decimal("0.01"), 100, 1),
        (Decimal("0.01"), 101, 2),  # ceil(1.01)
        (Decimal("0.03"), 1000, 30),
        (Decimal("0.03"), 1001, 31),  # ceil(30.03)
        (
            Decimal("0.07"),
            100,
            7,
        ),  # 0.07 × 100 in binary floating point is 7.000000000000001 → 8; exact decimal gives 7
        (Decimal("0.10"), 30, 3),
        (Decimal("0.3"), 250, 75),
        (Decimal("0.25"), 20, 5),
        (Decimal("0.3333"), 3, 1),  # ceil(0.9999)
        (Decimal("0"), 50, 0),
        (Decimal("1"), 7, 7),
    ],
)
def test_take_is_ceil_of_ratio_times_size(ratio, size, expected):
    assert algo.take(ratio, size) == expected
    assert (
        algo.take(str(ratio), size) == expected and algo.take(float(ratio), size) == expected
    )  # never a float product


def test_draw_takes_ceil_ratio_times_size_in_every_stratum_at_once():
    # Given four strata of different sizes, each with its own ratio
    sizes = {"A": 1001, "B": 100, "C": 30, "D": 3}
    ratios = {"A": Decimal("0.03"), "B": Decimal("0.07"), "C": Decimal("0.10"), "D": Decimal("0.3333")}
    rows, n = [], 0
    for stratum, size in sizes.items():
        for _ in range(size):
            rows.append((uscc_like(n), stratum))
            n += 1
    # When drawn
    outcome = algo.draw(seed_for(0), algo.population_file(rows), ratios)
    # Then each stratum takes exactly ceil(ratio × size), ranks 1..k, and nothing from another stratum
    assert {s["stratum"]: (s["size"], s["selected"]) for s in outcome.strata} == {
        "A": (1001, 31),
        "B": (100, 7),
        "C": (30, 3),
        "D": (3, 1),
    }
    per_stratum = Counter(stratum for _code, stratum, _rank, _mac in outcome.selected)
    assert per_stratum == {"A": 31, "B": 7, "C": 3, "D": 1}
    for stratum in sizes:
        ranks = [rank for _code, s, rank, _mac in outcome.selected if s == stratum]
        assert ranks == list(range(1, len(ranks) + 1))
    members = dict(rows)
    assert all(members[code] == stratum for code, stratum, _rank, _mac in outcome.selected)

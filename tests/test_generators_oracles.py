"""Every family's generated problems match an independent oracle (tests/oracles.py) to the last
digit: exact arithmetic and decimal's ROUND_HALF_UP, so an exact half rounded the wrong way fails.
bench/oracle_bench.py runs the same oracles on 10,000 problems per family."""

from __future__ import annotations

from fractions import Fraction
from functools import cache

import pytest
from conftest import FAMILIES, generator_family, generator_module
from oracles import HALVES, ORACLES, half_up, sig_half_up

from ankibuild.practice import rng_for

COUNT = 300  # problems per family


def test_every_family_has_an_oracle() -> None:
    assert sorted(ORACLES) == FAMILIES
    assert len(FAMILIES) >= 19


@cache
def checked(name: str) -> int:
    """Check the family's first COUNT problems against its oracle; the exact halves met."""
    family, before = generator_family(name), HALVES[name]
    for index in range(COUNT):
        problem = family.module.generate(rng_for(7, name, index))
        try:
            ORACLES[name](problem)
        except AssertionError as error:
            raise AssertionError(f"{name} problem {index + 1} (seed 7): {error}") from None
    return HALVES[name] - before


@pytest.mark.parametrize("name", FAMILIES)
def test_problems_match_their_oracle_to_the_last_digit(name: str) -> None:
    checked(name)


@pytest.mark.parametrize("name", ["kmeans", "confusion", "momentum"])
def test_exact_halves_are_met_and_rounded_away_from_zero(name: str) -> None:
    """Answers that are short fractions land on exact halves often; each was checked strictly."""
    assert checked(name) > 0


@pytest.mark.parametrize(("x", "places", "text"), [
    (Fraction(33, 8), 2, "4.13"),  # k-means: 4.125
    (Fraction(7125, 100000), 4, "0.0713"),  # separable conv: 0.07125
    (Fraction(63, 80), 3, "0.788"),  # confusion recall: 0.7875
    (Fraction(307625, 100000), 4, "3.0763"),  # momentum: 3.07625
    (Fraction(-1, 8), 2, "-0.13"),  # a negative half: away from zero
    (Fraction(-1, 1000), 2, "0.00"),  # no minus sign on a zero
    (Fraction(5, 11), 3, "0.455"),
    (Fraction(1), 2, "1.00"),
])
def test_the_shared_formatter_rounds_halves_away_from_zero(x: Fraction, places: int, text: str) -> None:
    numbers = generator_module("_numbers")
    assert numbers.fixed(x, places) == text == half_up(x, places)


def test_the_shared_formatter_agrees_with_decimal_everywhere_near_halves() -> None:
    numbers = generator_module("_numbers")
    for n in range(-800, 801):
        for x in (Fraction(n, 160), Fraction(n, 8000)):
            assert numbers.fixed(x, 2) == half_up(x, 2), x
            if x:
                assert numbers.sig(x, 4) == sig_half_up(x, 4) and numbers.sig(x * 997, 3) == sig_half_up(x * 997, 3), x


def test_significant_figures_at_the_edges() -> None:
    numbers = generator_module("_numbers")
    assert numbers.sig(Fraction(30015, 10000), 4) == "3.002"  # Adam: 3.3015-like halves go up
    assert numbers.sig(Fraction(999996, 100000), 4) == "10.00"
    assert numbers.sig(Fraction(12345), 4) == "12350"
    assert numbers.sig(Fraction(-99995), 4) == "-100000"

"""Numbers as a card shows them: every family computes exactly (Fractions) and rounds once, here.

A binary float cannot hold 4.125 or 0.07125 reliably (`round(4.125, 2)` is 4.12), so no family
rounds a float: values are `Fraction`s, and the few irrational ones (a square root, an exponential,
a logarithm) come from `decimal` at `DIGITS` significant digits. An irrational value is never an
exact half, and it would have to lie within 10^-50 of one for those digits to round it the wrong
way; a square root or exponential that is rational (√(9/4), e⁰) is returned exactly.

The rule, stated on every card that rounds (`RULE`): halves round away from zero, so 0.125 → 0.13
and −0.125 → −0.13 (a minus sign never changes the digits), as Python's `decimal.ROUND_HALF_UP`.
"""

from __future__ import annotations

import math
from decimal import Context, Decimal
from fractions import Fraction

RULE = "halves round away from zero: 0.125 → 0.13, −0.125 → −0.13"
DIGITS = 60
_CONTEXT = Context(prec=DIGITS)

Number = int | Fraction


def exact(x: int | float | str | Fraction) -> Fraction:
    """The decimal a card shows for `x`: a float is taken as the short decimal it was written as
    (0.1 is 1/10, not the binary 0.1000000000000000055…)."""
    return Fraction(repr(x)) if isinstance(x, float) else Fraction(x)


def _rounded(x: Number, places: int) -> int:
    """x · 10^places rounded to an integer, halves away from zero."""
    scaled = Fraction(x) * Fraction(10) ** places
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    return -magnitude if scaled < 0 else magnitude


def fixed(x: Number, places: int) -> str:
    """`x` with exactly `places` decimals (0.125 → '0.13' at 2); never '-0.00'."""
    n = _rounded(x, places)
    whole, frac = divmod(abs(n), 10**places)
    sign = "-" if n < 0 else ""
    return f"{sign}{whole}.{frac:0{places}d}" if places else f"{sign}{whole}"


def short(x: Number, places: int) -> str:
    """`x` to at most `places` decimals, trailing zeros dropped, as typed on a card: 2, 0.25."""
    text = fixed(x, places)
    return text.rstrip("0").rstrip(".") if "." in text else text


def value(x: Number, places: int) -> float:
    """The float of what `fixed` shows, for a problem's plain-data answer."""
    return float(fixed(x, places))


def _exponent(x: Fraction) -> int:
    """floor(log10 |x|) for x ≠ 0, exactly."""
    e = len(str(abs(x.numerator))) - len(str(x.denominator))
    while Fraction(10) ** e > abs(x):
        e -= 1
    while Fraction(10) ** (e + 1) <= abs(x):
        e += 1
    return e


def sig(x: Number, figures: int = 4) -> str:
    """`x` to `figures` significant figures in plain decimal notation, trailing zeros kept
    (9.99996 → '10.00'): no e-notation on a card."""
    x = Fraction(x)
    if x == 0:
        return "0"
    e = _exponent(x)
    if abs(_rounded(x, figures - 1 - e)) == 10**figures:  # rounded up to the next power of ten
        e += 1
    places = figures - 1 - e
    return fixed(x, places) if places >= 0 else str(_rounded(x, places) * 10**-places)


def sqrt(x: Fraction) -> Fraction:
    """√x: exact when x is the square of a fraction, else to DIGITS significant digits."""
    if x < 0:
        raise ValueError(f"square root of {x}")
    n, d = math.isqrt(x.numerator), math.isqrt(x.denominator)
    if n * n == x.numerator and d * d == x.denominator:
        return Fraction(n, d)
    return Fraction(_CONTEXT.sqrt(_decimal(x)))


def exp(x: Fraction) -> Fraction:
    """eˣ: exactly 1 at 0 (the only rational case), else to DIGITS significant digits."""
    return Fraction(1) if x == 0 else Fraction(_CONTEXT.exp(_decimal(x)))


def ln(x: Fraction) -> Fraction:
    """Natural log: exactly 0 at 1 (the only rational case), else to DIGITS significant digits."""
    return Fraction(0) if x == 1 else Fraction(_CONTEXT.ln(_decimal(x)))


def _decimal(x: Fraction) -> Decimal:
    return _CONTEXT.divide(Decimal(x.numerator), Decimal(x.denominator))

"""Decimal helpers: the one home for turning input into Decimal, rounding and display.

Money and scores are `Decimal` everywhere; floats never enter a score. Rounding is half-up
(四舍五入), to the places the pack says.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, InvalidOperation, getcontext
from functools import lru_cache

__all__ = ["D", "round_half_up", "fmt", "is_finite_number"]


def D(value) -> Decimal:
    """Convert an int, str or Decimal to Decimal. Floats are converted through `str` (their
    shortest round-trip text), so 160.48 read by a float-producing parser stays 160.48."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("bool is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    raise TypeError(f"cannot convert {type(value).__name__} to Decimal")


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """四舍五入 to `places` decimals: 4.845 -> 4.85, 4.8421 -> 4.84. Works for any finite value:
    the default context's 28 digits are too few for, say, a ratio over a tiny divisor."""
    digits = max(value.adjusted(), 0) + places + 2
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=Context(prec=max(digits, 28)))


def truncate(value: Decimal, places: int = 2) -> Decimal:
    """Cut to `places` decimals toward zero (截尾): 97.8086 -> 97.80. Only for comparing a figure
    someone truncated with the exact value; scores are never truncated (round_half_up)."""
    digits = max(value.adjusted(), 0) + places + 2
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN, context=Context(prec=max(digits, 28)))


def fmt(value: Decimal | int | None) -> str:
    """Human display without exponent or needless trailing zeros: 92 -> '92', 4.840 -> '4.84',
    Decimal('1E+1') -> '10', 2.50 -> '2.5'.

    A case formats ~800 numbers, mostly the same few; finite non-zero ints and Decimals are
    memoized by value and the context's precision and rounding (equal values display alike;
    zero is not memoized because -0 displays as "-0")."""
    if value is None:
        return ""
    cls = value.__class__
    if (cls is Decimal and value and value.is_finite()) or (cls is int and value):
        context = getcontext()
        return _fmt_memo(value, context.prec, context.rounding)
    return _fmt(value)


@lru_cache(maxsize=4096)
def _fmt_memo(value: Decimal | int, prec: int, rounding: str) -> str:
    return _fmt(value)


def _fmt(value: Decimal | int) -> str:
    d = D(value)
    if not d.is_finite():
        return str(d)
    whole = d.to_integral_value()
    if d == whole:
        return format(whole, "f")  # not quantize(): that fails beyond 28 digits
    return format(d.normalize(), "f")


def is_finite_number(value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool) and D(value).is_finite()


def largest_remainder(amounts: list[Decimal], total: Decimal, places: int = 2) -> list[Decimal]:
    """`amounts` (exact shares of `total`) rounded to `places` so that they add up to `total`
    exactly (largest remainder method): each is cut down to the grid, and the units left over go
    one by one to the largest remainders, the first in order on a tie. `total` must itself be on
    the grid (a section's weight). Used where a section's points are shared among rows or rows
    are rescaled to a section weight: 40 × 2.5/50 four times must give 40, not 40.04."""
    if not amounts:
        return []
    unit = Decimal(1).scaleb(-places)
    floors = [(a / unit).to_integral_value(rounding="ROUND_FLOOR") * unit for a in amounts]
    left = int(((total - sum(floors, Decimal(0))) / unit).to_integral_value())
    order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] - floors[i]), i))
    out = list(floors)
    for i in order[:max(left, 0)] if left <= len(amounts) else order:
        out[i] += unit
    return [x.quantize(unit) for x in out]

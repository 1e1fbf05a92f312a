"""GB/T 4754-2017 industries and the NBS 2021 digital-economy core-industry table.

The core test (DOMAIN.md): an applicant is in the digital-economy core industry when its
four-digit class falls under categories 01-04 of the NBS classification; a class that the NBS
table marks with ``*`` (only partly in) leaves the answer open unless the applicant confirms.
"""

from dataclasses import dataclass
from functools import cache

from huiqi.reference.tables import read_table

MANUFACTURING_DIVISIONS = range(13, 44)  # section C: divisions 13-43


@dataclass(frozen=True)
class CoreEntry:
    """One GB/T class as it appears in the NBS core table."""

    gbt_class: str
    partial: bool
    categories: tuple[str, ...]
    nbs_codes: tuple[str, ...]
    confidence: str


@cache
def industries() -> dict[str, dict[str, str]]:
    """GB/T 4754-2017 rows by code (sections, divisions, groups, classes)."""
    return {row["code"]: row for row in read_table("gbt4754_2017")}


def is_class(code: str) -> bool:
    """Whether ``code`` is a four-digit GB/T 4754-2017 class (小类).

    >>> is_class("6513"), is_class("651"), is_class("6530")
    (True, False, False)
    """
    row = industries().get(code)
    return row is not None and row["level"] == "class"


def class_problem(code: str) -> str | None:
    """Why ``code`` is not a GB/T 4754-2017 class (小类), or None when it is: four digits the standard lacks are
    named as such; anything else is told the shape.

    >>> class_problem("6513") is None, class_problem("9999"), class_problem("651")
    (True, '9999 不是 GB/T 4754-2017 的行业小类代码', '应为国民经济行业小类代码（4 位数字，如 6513）')
    """
    if is_class(code):
        return None
    if len(code) == 4 and code.isascii() and code.isdigit():
        return f"{code} 不是 GB/T 4754-2017 的行业小类代码"
    return "应为国民经济行业小类代码（4 位数字，如 6513）"


def is_numeric_code(code: str) -> bool:
    """Whether ``code`` is a GB/T division, group or class (2-4 digits) in the standard."""
    return code.isdigit() and code in industries()


def industry_name(code: str) -> str | None:
    """The standard's name for ``code``, or None."""
    row = industries().get(code)
    return row["name"] if row else None


@cache
def core_table() -> dict[str, CoreEntry]:
    """The NBS core table (categories 01-04) keyed by GB/T class."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in read_table("digital_core_industries"):
        grouped.setdefault(row["gbt4754_class"], []).append(row)
    return {
        cls: CoreEntry(
            gbt_class=cls,
            partial=any(r["partial"] == "true" for r in rows),
            categories=tuple(sorted({r["category"] for r in rows})),
            nbs_codes=tuple(r["nbs_code"] for r in rows),
            confidence=min((r["confidence"] for r in rows), key=["low", "medium", "high"].index),
        )
        for cls, rows in grouped.items()
    }


@cache
def core_categories() -> frozenset[str]:
    """The NBS 中类 codes (four digits, e.g. ``0105``) of the core table."""
    return frozenset(r["nbs_code"][:4] for r in read_table("digital_core_industries"))


@cache
def classes_in(category: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The GB/T classes the NBS 中类 ``category`` lists: wholly, and only partly (marked *).

    >>> "3973" in classes_in("0105")[0], "6513" in classes_in("0105")[0]
    (True, False)
    """
    rows = [r for r in read_table("digital_core_industries") if r["nbs_code"].startswith(category)]
    table = core_table()
    whole = sorted({r["gbt4754_class"] for r in rows if not table[r["gbt4754_class"]].partial})
    partial = sorted({r["gbt4754_class"] for r in rows if table[r["gbt4754_class"]].partial})
    return tuple(whole), tuple(partial)


def category_status(industry: str | None, confirmed: bool | None, categories: tuple[str, ...]) -> bool | None:
    """Three-valued: the applicant's class falls in one of the NBS 中类 ``categories``.

    A class the table marks * is in only when the applicant confirms it (as for ``core_status``).

    >>> category_status("3973", None, ("0105",)), category_status("6513", None, ("0105",))
    (True, False)
    >>> category_status(None, True, ("0105",))
    """
    if industry is None:
        return None
    whole = any(industry in classes_in(c)[0] for c in categories)
    if whole:
        return True
    if any(industry in classes_in(c)[1] for c in categories):
        return confirmed
    return False


def core_status(industry: str | None, confirmed: bool | None) -> bool | None:
    """Three-valued core test: True, False, or None when it cannot be decided.

    >>> core_status("6513", None), core_status("1311", None), core_status(None, True)
    (True, False, None)
    >>> core_status("2462", None), core_status("2462", True), core_status("2462", False)
    (None, True, False)
    """
    if industry is None:
        return None
    entry = core_table().get(industry)
    if entry is None:
        return False
    if not entry.partial:
        return True
    return confirmed

"""Compile expressions to Polars expressions over a table of matters joined with applicants.

Null means unknown, and Polars' ``&``, ``|``, ``~``, comparisons and ``is_in`` follow the same
Kleene logic as ``scalar``, so the two evaluators agree result for result (a property test
holds them to it). Cross-matter functions read per-applicant features that ``batch`` computes
first: the earliest date, count and undated count of the matters carrying given codes.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl

from huiqi.reference import industries
from huiqi.rules.expr import Arith, BoolOp, Call, Compare, FactRef, Lit, Member, Node, Not, ParamRef
from huiqi.rules.params import Parameter

UNKNOWN = pl.lit(None, dtype=pl.Boolean)
DATE = pl.col("date")


def feature_name(kind: str, codes: tuple[str, ...]) -> str:
    """The column prefix of a per-applicant feature over ``codes``."""
    return f"__{kind}__{'+'.join(sorted(codes))}"


def held_name(key: "Held") -> str:
    """The column prefix of a ``holds_before`` feature."""
    codes, where, unknown = key
    name = feature_name("holds", codes)
    return name if where is None else f"{name}__{where}__{'unknown' if unknown else 'true'}"


MASK = "__mask"
Held = tuple[tuple[str, ...], str | None, bool]  # codes, the fact held matters must have, whether it is unknown
MAX_CODES = 63  # one bit per matter code in an Int64 mask


class VectorContext:
    """Compiles nodes for one ``as_of``; records the features and codes the expressions need."""

    def __init__(self, as_of: date, codes: list[str] | None = None):
        """``codes`` fixes the bits (bit i for ``codes[i]``), as a population's validation gave them; otherwise each
        code gets the next bit when an expression first reads it."""
        self.as_of = as_of
        self.holds: set[Held] = set()
        self.firsts: set[str] = set()
        if codes is not None and len(codes) > MAX_CODES:
            raise ValueError(f"向量化求值最多支持 {MAX_CODES} 个事项代码")
        self.bits: dict[str, int] = {code: 1 << i for i, code in enumerate(codes or [])}

    def has(self, code: str) -> pl.Expr:
        """The matter carries ``code``: one bit of the ``__mask`` column that ``batch`` computes."""
        if code not in self.bits:
            if len(self.bits) == MAX_CODES:
                raise ValueError(f"向量化求值最多支持 {MAX_CODES} 个事项代码")
            self.bits[code] = 1 << len(self.bits)
        return (pl.col(MASK) & self.bits[code]) != 0

    def compile(self, node: Node) -> pl.Expr:
        return _COMPILERS[type(node)](self, node)

    def dated(self, param: Parameter, build: Callable[[Any], pl.Expr] = pl.lit) -> pl.Expr:
        """A parameter's value at each matter's date (at ``as_of`` when the date is unknown)."""
        values = param.values
        expr = build(values[0].value)
        for dated in values[1:]:
            expr = pl.when(pl.lit(dated.since) <= DATE).then(build(dated.value)).otherwise(expr)
        if len(values) == 1:
            return expr
        return pl.when(DATE.is_null()).then(build(param.at(None, self.as_of))).otherwise(expr)

    def reach(self, codes: tuple[str, ...]) -> pl.Expr:
        return pl.any_horizontal([self.has(c) for c in codes])

    @property
    def feature_columns(self) -> list[str]:
        """The matter columns the per-applicant features read: the date and the facts of ``where``."""
        return ["date", *sorted({where for _, where, _ in self.holds if where})]

    def held(self, key: Held) -> pl.Expr:
        """The matters a ``holds_before`` feature counts: carrying a code, with the fact true (or unknown)."""
        codes, where, unknown = key
        flag = pl.any_horizontal([self.has(c) for c in codes])
        if where is None:
            return flag
        return flag & (pl.col(where).is_null() if unknown else pl.col(where).fill_null(False))

    def holds_before(self, codes: tuple[str, ...], where: str | None = None) -> pl.Expr:
        if where is None:
            return self._holds((codes, None, False))
        # Each held matter counts as (its date <= this date) and its fact: true ones decide, unknown ones
        # can only leave the answer unknown.
        return self._holds((codes, where, False)) | (self._holds((codes, where, True)) & UNKNOWN)

    def _holds(self, key: Held) -> pl.Expr:
        self.holds.add(key)
        for code in key[0]:
            self.has(code)
        name = held_name(key)
        first, count, undated = (pl.col(f"{name}__{x}") for x in ("min", "n", "undated"))
        return (
            pl.when(DATE.is_null()).then(pl.when(count > 0).then(UNKNOWN).otherwise(False))
            .when(first.is_not_null() & (first <= DATE)).then(True)
            .when(undated > 0).then(UNKNOWN)
            .otherwise(False)
        )

    def core_category(self, categories: tuple[str, ...]) -> pl.Expr:
        whole = sorted({c for x in categories for c in industries.classes_in(x)[0]})
        partial = sorted({c for x in categories for c in industries.classes_in(x)[1]} - set(whole))
        industry = pl.col("industry")
        return (pl.when(industry.is_null()).then(UNKNOWN).when(industry.is_in(whole)).then(True)
                .when(industry.is_in(partial)).then(pl.col("digital_core_confirmed")).otherwise(False))

    def first_entry(self, codes: tuple[str, ...]) -> pl.Expr:
        parts = []
        for code in codes:
            self.firsts.add(code)
            name = feature_name("first", (code,))
            first, count, undated = (pl.col(f"{name}__{x}") for x in ("min", "n", "undated"))
            parts.append(
                pl.when(~self.has(code)).then(False)
                .when(DATE.is_null()).then(pl.when(count > 1).then(UNKNOWN).otherwise(True))
                .when(first < DATE).then(False)
                .when(undated > 0).then(UNKNOWN)
                .otherwise(True)
            )
        return pl.any_horizontal(parts) if len(parts) > 1 else parts[0]


def _lit(ctx: VectorContext, node: Lit) -> pl.Expr:
    return pl.lit(node.value, dtype=pl.Int64) if node.type == "int" else pl.lit(node.value)


def _fact(ctx: VectorContext, node: FactRef) -> pl.Expr:
    return pl.col(node.name)


def _param(ctx: VectorContext, node: ParamRef) -> pl.Expr:
    if node.type == "int":
        return ctx.dated(node.param, lambda v: pl.lit(v, dtype=pl.Int64))
    return ctx.dated(node.param)


def _not(ctx: VectorContext, node: Not) -> pl.Expr:
    return ~ctx.compile(node.operand)


def _bool_op(ctx: VectorContext, node: BoolOp) -> pl.Expr:
    parts = [ctx.compile(p) for p in node.operands]
    return pl.all_horizontal(parts) if node.op == "and" else pl.any_horizontal(parts)


_BINARY = {
    "==": pl.Expr.eq, "!=": pl.Expr.ne, "<": pl.Expr.lt, "<=": pl.Expr.le, ">": pl.Expr.gt,
    ">=": pl.Expr.ge, "+": pl.Expr.add, "-": pl.Expr.sub, "*": pl.Expr.mul, "//": pl.Expr.floordiv,
}


def _binary(ctx: VectorContext, node: Compare | Arith) -> pl.Expr:
    return _BINARY[node.op](ctx.compile(node.left), ctx.compile(node.right))


def _member(ctx: VectorContext, node: Member) -> pl.Expr:
    inside = ctx.compile(node.operand).is_in(list(node.values))
    return ~inside if node.negate else inside


def _call(ctx: VectorContext, node: Call) -> pl.Expr:
    if node.fn == "holds_before":
        return ctx.holds_before(node.codes, node.where)
    if node.fn == "core_category":
        return ctx.core_category(node.categories)
    if node.fn == "first_entry":
        return ctx.first_entry(node.codes)
    arg = ctx.compile(node.args[0])
    if node.fn == "known":
        return arg.is_not_null()
    return arg.str.slice(0, 2).cast(pl.Int64, strict=False)


_COMPILERS: dict[type, Callable[[VectorContext, Any], pl.Expr]] = {
    Lit: _lit, FactRef: _fact, ParamRef: _param, Not: _not, BoolOp: _bool_op,
    Compare: _binary, Arith: _binary, Member: _member, Call: _call,
}


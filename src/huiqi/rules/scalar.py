"""Compile expressions to Python closures with three-valued (Kleene) logic, for one case.

A closure takes an environment and returns ``(value, missing)``: value is True, False, a number,
a date, a string, or None for unknown; ``missing`` names the facts whose absence made it unknown
(empty when the value is known), so an undetermined answer can say what to supply.
"""

import operator
from collections.abc import Callable
from functools import cache
from typing import Any, Protocol

from huiqi.rules.expr import Arith, BoolOp, Call, Compare, FactRef, Lit, Member, Node, Not, ParamRef

NOTHING: frozenset[str] = frozenset()
Value = tuple[Any, frozenset[str]]
Evaluator = Callable[["Env"], Value]

_OPS = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge, "+": operator.add, "-": operator.sub,
    "*": operator.mul, "//": operator.floordiv,
}


class Env(Protocol):
    """What an expression can read while it evaluates one matter (or the applicant alone)."""

    def fact(self, name: str) -> Value: ...

    def param(self, param: Any) -> Any: ...

    def holds_before(self, codes: tuple[str, ...], where: str | None = None) -> Value: ...

    def core_category(self, categories: tuple[str, ...]) -> Value: ...

    def first_entry(self, codes: tuple[str, ...]) -> Value: ...


@cache
def compile_node(node: Node) -> Evaluator:
    """The Python evaluator of ``node`` (cached: each node is compiled once)."""
    return _COMPILERS[type(node)](node)


def _lit(node: Lit) -> Evaluator:
    value = (node.value, NOTHING)
    return lambda env: value


def _fact(node: FactRef) -> Evaluator:
    return lambda env: env.fact(node.name)


def _param(node: ParamRef) -> Evaluator:
    return lambda env: (env.param(node.param), NOTHING)


def _not(node: Not) -> Evaluator:
    inner = compile_node(node.operand)

    def run(env: Env) -> Value:
        value, missing = inner(env)
        return (None, missing) if value is None else (not value, NOTHING)

    return run


def _bool_op(node: BoolOp) -> Evaluator:
    parts = [compile_node(p) for p in node.operands]
    decisive = node.op == "or"  # True decides an `or`, False decides an `and`

    def run(env: Env) -> Value:
        missing: set[str] = set()
        unknown = False
        for part in parts:
            value, why = part(env)
            if value is None:
                unknown = True
                missing |= why
            elif bool(value) == decisive:
                return decisive, NOTHING
        return (None, frozenset(missing)) if unknown else (not decisive, NOTHING)

    return run


def _binary(node: Compare | Arith) -> Evaluator:
    left, right, op = compile_node(node.left), compile_node(node.right), _OPS[node.op]

    def run(env: Env) -> Value:
        (a, ma), (b, mb) = left(env), right(env)
        if a is None or b is None:
            return None, ma | mb
        return op(a, b), NOTHING

    return run


def _member(node: Member) -> Evaluator:
    inner, values, negate = compile_node(node.operand), frozenset(node.values), node.negate

    def run(env: Env) -> Value:
        value, missing = inner(env)
        if value is None:
            return None, missing
        return (value in values) != negate, NOTHING

    return run


def _call(node: Call) -> Evaluator:
    if node.fn == "holds_before":
        return lambda env: env.holds_before(node.codes, node.where)
    if node.fn == "core_category":
        return lambda env: env.core_category(node.categories)
    if node.fn == "first_entry":
        return lambda env: env.first_entry(node.codes)
    inner = compile_node(node.args[0])
    if node.fn == "known":
        return lambda env: (inner(env)[0] is not None, NOTHING)

    def division(env: Env) -> Value:
        value, missing = inner(env)
        return (None, missing) if value is None else (int(value[:2]), NOTHING)

    return division


_COMPILERS: dict[type, Callable[[Any], Evaluator]] = {
    Lit: _lit, FactRef: _fact, ParamRef: _param, Not: _not, BoolOp: _bool_op,
    Compare: _binary, Arith: _binary, Member: _member, Call: _call,
}


def kleene_and(values: list[bool | None]) -> bool | None:
    """Three-valued conjunction.

    >>> kleene_and([True, None]), kleene_and([False, None]), kleene_and([True, True])
    (None, False, True)
    """
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True

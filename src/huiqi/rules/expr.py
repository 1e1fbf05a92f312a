"""The expression language of policy files: parsed with ``ast`` against a whitelist, never eval.

An expression names facts (``core``, ``investment``), parameters (``cap``, ``window_end``),
literals, comparisons, ``and``/``or``/``not``, integer arithmetic, ``in`` over a literal list, and
a fixed set of functions. Parsing also checks names and types, so a mistake in a policy file is
an error when the file loads. The result is a small tree (the nodes below) that ``scalar`` and
``vector`` compile to a Python evaluator and to Polars expressions.
"""

import ast
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from huiqi.rules.facts import FACTS, Fact
from huiqi.rules.params import KINDS

TYPE_NAMES = {"bool": "真假值", "int": "整数（金额）", "date": "日期", "str": "文本"}
# The writings the language leaves out, as an officer would call them (any other: 这种写法).
UNSUPPORTED = {
    "Attribute": "属性（.）", "Subscript": "下标（[ ]）", "Lambda": "lambda 函数", "IfExp": "条件表达式（if … else）",
    "ListComp": "列表推导", "SetComp": "集合推导", "DictComp": "字典推导", "GeneratorExp": "生成器",
    "Dict": "字典（{ }）", "Set": "集合（{ }）", "Tuple": "元组（( , )）", "List": "列表（只能写在 in 的右边）",
    "Starred": "星号展开（*）", "JoinedStr": "格式化文本（f'…'）", "NamedExpr": "赋值（:=）", "Slice": "切片（:）",
}


class ExprError(ValueError):
    """A mistake in an expression, with the column where it is."""

    def __init__(self, message: str, col: int | None = None):
        super().__init__(message)
        self.col = col


@dataclass(frozen=True)
class Node:
    """An expression node; ``type`` is one of bool, int, date, str."""

    type: str


@dataclass(frozen=True)
class Lit(Node):
    value: Any


@dataclass(frozen=True)
class FactRef(Node):
    name: str


@dataclass(frozen=True)
class ParamRef(Node):
    name: str
    param: Any  # rules.params.Parameter: its dated values


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class BoolOp(Node):
    op: str  # and | or
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Compare(Node):
    op: str  # == != < <= > >=
    left: Node
    right: Node


@dataclass(frozen=True)
class Member(Node):
    operand: Node
    values: tuple[Any, ...]
    negate: bool


@dataclass(frozen=True)
class Arith(Node):
    op: str  # + - * //
    left: Node
    right: Node


@dataclass(frozen=True)
class Call(Node):
    fn: str
    args: tuple[Node, ...] = ()
    codes: tuple[str, ...] = ()
    where: str | None = None  # holds_before: a true/false fact the held matter must have true
    categories: tuple[str, ...] = ()  # core_category: NBS 中类 codes


# The functions an expression may call: name -> (what it means, how its arguments are read).
FUNCTIONS = {
    "holds_before": "申报单位持有所列荣誉之一，且其日期不晚于本事项日期（where='事实'：该荣誉的此项为真）",
    "first_entry": "首次进入：没有同一代码、日期更早的荣誉",
    "division": "行业代码的前两位（GB/T 4754 大类）",
    "known": "该事实已知（不为空）",
    "core_category": "申报单位所属行业属于数字经济核心产业统计分类的所列中类之一（如 '0105'）",
}
_CODE_FUNCTIONS = {"holds_before", "first_entry"}
_COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//"}

# Resolves a name to a Fact or a parameter (an object with ``type`` and ``name``), or None.
Resolver = Callable[[str], Any]


def parse(text: str, resolve: Resolver, codes: set[str] | frozenset[str], want: str = "bool") -> Node:
    """Parse and check ``text``; the result must have type ``want``."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        # Python's own words are English: the column says where, the officer sees the text beside it
        raise ExprError("表达式语法错误：请检查括号、引号、运算符和逗号", exc.offset) from None
    node = _Checker(resolve, codes).visit(tree.body)
    if node.type != want:
        raise ExprError(f"表达式应得出{TYPE_NAMES[want]}，实得{TYPE_NAMES[node.type]}")
    return node


class _Checker:
    def __init__(self, resolve: Resolver, codes: set[str] | frozenset[str]):
        self.resolve = resolve
        self.codes = codes

    def visit(self, node: ast.AST) -> Node:
        method: Callable[[ast.AST], Node] | None = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise ExprError(f"不允许的写法：{UNSUPPORTED.get(type(node).__name__, '这种写法')}",
                            getattr(node, "col_offset", None))
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> Node:
        value = node.value
        if isinstance(value, bool):
            return Lit("bool", value)
        if isinstance(value, int):
            return Lit("int", value)
        if isinstance(value, str):
            return Lit("str", value)
        raise ExprError(f"不允许的常量 {value!r}（只允许整数、文本、True、False）", node.col_offset)

    def visit_Name(self, node: ast.Name) -> Node:
        target = self.resolve(node.id)
        if target is None:
            raise ExprError(f"未知名称 {node.id!r}：既不是事实，也不是参数", node.col_offset)
        if isinstance(target, Fact):
            return FactRef(target.type, target.name)
        if target.type not in ("int", "date"):
            raise ExprError(f"参数 {node.id!r} 是{KINDS.get(target.kind, target.kind)}，不能用在条件中",
                            node.col_offset)
        return ParamRef(target.type, node.id, target)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Node:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Not):
            self._expect(operand, "bool", node)
            return Not("bool", operand)
        if isinstance(node.op, ast.USub) and isinstance(operand, Lit) and operand.type == "int":
            return Lit("int", -operand.value)
        raise ExprError("只允许 not 和负整数常量", node.col_offset)

    def visit_BoolOp(self, node: ast.BoolOp) -> Node:
        operands = tuple(self.visit(v) for v in node.values)
        for operand in operands:
            self._expect(operand, "bool", node)
        return BoolOp("bool", "and" if isinstance(node.op, ast.And) else "or", operands)

    def visit_BinOp(self, node: ast.BinOp) -> Node:
        op = _ARITH.get(type(node.op))
        if op is None:
            raise ExprError("只允许 + - * // 四种整数运算", node.col_offset)
        left, right = self.visit(node.left), self.visit(node.right)
        self._expect(left, "int", node)
        self._expect(right, "int", node)
        if op == "//" and isinstance(right, Lit) and right.value == 0:
            raise ExprError("除数为零", node.col_offset)
        return Arith("int", op, left, right)

    def visit_Compare(self, node: ast.Compare) -> Node:
        parts: list[Node] = []
        left: Node | None = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, (ast.In, ast.NotIn)):
                # left is None after an earlier `in` (`a in [1] in [2]`): an AttributeError, not an ExprError;
                # kept as it is until the fix, which is a change of behaviour.
                parts.append(self._member(left, comparator, isinstance(op, ast.NotIn)))  # type: ignore[arg-type]
                left = None
                continue
            if left is None:
                raise ExprError("in 之后不能再接比较", node.col_offset)
            right = self.visit(comparator)
            parts.append(self._compare(_COMPARE[type(op)], left, right, node))
            left = right
        return parts[0] if len(parts) == 1 else BoolOp("bool", "and", tuple(parts))

    def _compare(self, op: str, left: Node, right: Node, node: ast.expr) -> Node:
        if left.type != right.type:
            raise ExprError(
                f"不能比较{TYPE_NAMES[left.type]}和{TYPE_NAMES[right.type]}", node.col_offset
            )
        if op not in ("==", "!=") and left.type not in ("int", "date"):
            raise ExprError(f"{TYPE_NAMES[left.type]}只能用 == 或 != 比较", node.col_offset)
        self._check_choice(left, right, node)
        self._check_choice(right, left, node)
        return Compare("bool", op, left, right)

    def _member(self, operand: Node, container: ast.expr, negate: bool) -> Node:
        if not isinstance(container, (ast.List, ast.Tuple)) or not container.elts:
            raise ExprError("in 的右边应是非空的常量列表，如 ['national', 'provincial']", container.col_offset)
        visited = [self.visit(e) for e in container.elts]
        items: list[Lit] = []
        for item in visited:
            if not isinstance(item, Lit) or item.type != operand.type:
                raise ExprError(f"列表中应都是{TYPE_NAMES[operand.type]}常量", container.col_offset)
            self._check_choice(operand, item, container)
            items.append(item)
        return Member("bool", operand, tuple(i.value for i in items), negate)

    def _check_choice(self, fact: Node, lit: Node, node: ast.expr) -> None:
        if not (isinstance(fact, FactRef) and isinstance(lit, Lit)):
            return
        choices = FACTS[fact.name].choices
        if choices and lit.value not in choices:
            raise ExprError(
                f"{lit.value!r} 不是 {fact.name} 的取值（可选：{', '.join(choices)}）", node.col_offset
            )

    def visit_Call(self, node: ast.Call) -> Node:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = getattr(node.func, "id", "?")
            raise ExprError(f"未知函数 {name!r}（可用：{', '.join(FUNCTIONS)}）", node.col_offset)
        fn = node.func.id
        where = self._where(fn, node)
        if fn in _CODE_FUNCTIONS:
            return Call("bool", fn, codes=self._codes(fn, node), where=where)
        if fn == "core_category":
            return Call("bool", fn, categories=self._categories(node))
        if len(node.args) != 1:
            raise ExprError(f"{fn}() 只接受一个参数", node.col_offset)
        arg = self.visit(node.args[0])
        if fn == "known":
            return Call("bool", fn, (arg,))
        self._expect(arg, "str", node)
        return Call("int", fn, (arg,))

    @staticmethod
    def _where(fn: str, node: ast.Call) -> str | None:
        """``holds_before(..., where='group_core')``: the only keyword any function takes."""
        if not node.keywords:
            return None
        keyword = node.keywords[0]
        if fn != "holds_before" or len(node.keywords) > 1 or keyword.arg != "where":
            raise ExprError("只有 holds_before 接受关键字参数 where", node.col_offset)
        value = keyword.value
        name = value.value if isinstance(value, ast.Constant) else None
        fact = FACTS.get(name) if isinstance(name, str) else None
        if fact is None or fact.owner != "matter" or fact.type != "bool":
            raise ExprError("where 应是事项的真假值事实名，如 'group_core'", value.col_offset)
        return fact.name

    @staticmethod
    def _categories(node: ast.Call) -> tuple[str, ...]:
        from huiqi.reference.industries import core_categories

        known = core_categories()
        found = []
        for arg in node.args:
            value = arg.value if isinstance(arg, ast.Constant) else None
            if not isinstance(value, str) or value not in known:
                raise ExprError("core_category() 的参数应是核心产业统计分类的中类代码文本，如 '0105'", arg.col_offset)
            found.append(value)
        if not found:
            raise ExprError("core_category() 至少需要一个中类代码", node.col_offset)
        return tuple(found)

    def _codes(self, fn: str, node: ast.Call) -> tuple[str, ...]:
        if not node.args:
            raise ExprError(f"{fn}() 至少需要一个事项代码", node.col_offset)
        codes = []
        for arg in node.args:
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                raise ExprError(f"{fn}() 的参数应是事项代码文本，如 'digital_leader'", arg.col_offset)
            if arg.value not in self.codes:
                raise ExprError(f"未知事项代码 {arg.value!r}", arg.col_offset)
            codes.append(arg.value)
        return tuple(codes)

    @staticmethod
    def _expect(node: Node, want: str, where: ast.AST) -> None:
        if node.type != want:
            raise ExprError(
                f"此处应为{TYPE_NAMES[want]}，实为{TYPE_NAMES[node.type]}", getattr(where, "col_offset", None)
            )


def names_in(node: Node) -> set[str]:
    """The fact names an expression reads (directly or through a function)."""
    if isinstance(node, FactRef):
        return {node.name}
    if isinstance(node, Call) and node.codes:
        return {"date", node.where} if node.where else {"date"}
    if isinstance(node, Call) and node.categories:
        return {"industry", "digital_core_confirmed"}
    found: set[str] = set()
    for child in _children(node):
        found |= names_in(child)
    return found


def values_named(node: Node, fact: str) -> set[Any]:
    """The literal values an expression compares the fact with (``fact == 'x'``, ``fact in ['x', 'y']``): for an
    enumerated fact, the choices that can make a condition true.

    >>> level = FactRef("str", "level")
    >>> sorted(values_named(Member("bool", level, ("national", "provincial"), False), "level"))
    ['national', 'provincial']
    """
    if isinstance(node, Member) and not node.negate and isinstance(node.operand, FactRef) and node.operand.name == fact:
        return set(node.values)
    if isinstance(node, Compare) and node.op == "==":
        for one, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(one, FactRef) and one.name == fact and isinstance(other, Lit):
                return {other.value}
    found: set[Any] = set()
    for child in _children(node):
        found |= values_named(child, fact)
    return found


def codes_named(node: Node) -> set[str]:
    """The matter codes an expression reads (``holds_before('global_500')``, …), anywhere in it.

    >>> sorted(codes_named(Not("bool", Call("bool", "holds_before", codes=("unicorn", "gazelle")))))
    ['gazelle', 'unicorn']
    """
    found = set(node.codes) if isinstance(node, Call) else set()
    for child in _children(node):
        found |= codes_named(child)
    return found


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (Not,)):
        return (node.operand,)
    if isinstance(node, BoolOp):
        return node.operands
    if isinstance(node, (Compare, Arith)):
        return (node.left, node.right)
    if isinstance(node, Member):
        return (node.operand,)
    if isinstance(node, Call):
        return node.args
    return ()


def literal_date(value: Any) -> date:
    """A date literal from a policy file (YAML gives dates already parsed)."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))

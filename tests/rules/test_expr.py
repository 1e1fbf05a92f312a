"""The expression language: whitelist, types, and three-valued evaluation."""

from datetime import date

import pytest

from huiqi.rules.expr import ExprError, names_in, parse
from huiqi.rules.facts import FACTS
from huiqi.rules.params import DatedValue, Parameter
from huiqi.rules.scalar import NOTHING, compile_node

CAP = Parameter("cap", "上限", "money", (DatedValue(date(2022, 1, 1), 100, "测试"),))
SCOPE = {"cap": CAP}


def resolve(name: str):
    return SCOPE.get(name) or FACTS.get(name)


class Facts:
    """A minimal environment: facts from a dict, unknown when absent."""

    def __init__(self, **facts):
        self.facts = facts

    def fact(self, name):
        value = self.facts.get(name)
        return value, (frozenset({name}) if value is None else NOTHING)

    def param(self, param):
        return param.values[0].value

    def holds_before(self, codes):
        return self.facts.get("holds"), NOTHING

    def first_entry(self, codes):
        return self.facts.get("first"), NOTHING


def run(text: str, **facts):
    return compile_node(parse(text, resolve, {"itss"}))(Facts(**facts))


@pytest.mark.parametrize(("a", "b", "both", "either"), [
    (True, True, True, True), (True, False, False, True), (True, None, None, True),
    (False, None, False, None), (None, None, None, None), (False, False, False, False),
])
def test_kleene_and_or(a, b, both, either) -> None:
    assert run("listed and digital_field", listed=a, digital_field=b)[0] is both
    assert run("listed or digital_field", listed=a, digital_field=b)[0] is either


def test_unknown_names_what_is_missing() -> None:
    assert run("investment >= cap and core", investment=None, core=True) == (None, frozenset({"investment"}))
    assert run("investment >= cap or core", investment=None, core=True) == (True, NOTHING)
    assert run("not listed") == (None, frozenset({"listed"}))
    assert run("level in ['national', 'provincial']", level="industry") == (False, NOTHING)
    assert run("level not in ['national']", level="provincial") == (True, NOTHING)


def test_chained_comparison_and_arithmetic() -> None:
    assert run("13 <= division(parent_industry) <= 43", parent_industry="3411")[0] is True
    assert run("13 <= division(parent_industry) <= 43", parent_industry="5176")[0] is False
    assert run("revenue * 100 >= revenue_prior * 115", revenue=115, revenue_prior=100)[0] is True
    assert run("known(investment)", investment=None) == (False, NOTHING)


@pytest.mark.parametrize(("text", "reason"), [
    ("investment > '1'", "不能比较"),
    ("level == 'nation'", "不是 level 的取值"),
    ("investment", "应得出真假值"),
    ("cap_x > 1", "未知名称"),
    ("holds_before('nope')", "未知事项代码"),
    ("holds_before(level)", "事项代码文本"),
    ("eval('1')", "未知函数"),
    ("investment // 0 > 1", "除数为零"),
    ("core < listed", "只能用 == 或 != 比较"),
    ("level in ('national', 1)", "列表中应都是文本常量"),
    ("x.y", "不允许的写法：属性（.）"),
    ("1.5 > investment", "不允许的常量"),
    ("holds_before('itss', where='level')", "真假值事实名"),
    ("holds_before('itss', when='group_core')", "只有 holds_before 接受关键字参数 where"),
    ("first_entry('itss', where='group_core')", "只有 holds_before 接受关键字参数 where"),
    ("core_category('9999')", "中类代码"),
    ("core_category()", "至少需要一个中类代码"),
])
def test_mistakes_are_load_time_errors(text: str, reason: str) -> None:
    with pytest.raises(ExprError, match=reason):
        parse(text, resolve, {"itss"})


def test_names_in() -> None:
    node = parse("investment >= cap and holds_before('itss')", resolve, {"itss"})
    assert names_in(node) == {"investment", "date"}


def test_names_in_reads_the_where_fact_and_the_industry() -> None:
    node = parse("holds_before('itss', where='group_core') or core_category('0105')", resolve, {"itss"})
    assert names_in(node) == {"date", "group_core", "industry", "digital_core_confirmed"}

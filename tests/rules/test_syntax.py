"""A YAML syntax error said in Chinese whichever parser read it (libyaml's or PyYAML's own, whose words differ)."""

import re

import pytest
import yaml

from huiqi.rules import syntax

BROKEN = {
    "a: [1, 2\nb: 3\n": ("方括号 [ ] 没有闭合", 2),
    "a: {x: 1\nb: 2\n": ("花括号 { } 没有闭合", 2),
    "a: 'abc\nb: 2\n": ("引号开始于第 1 行第 4 列", 3),
    "a:\n  b: 1\n c: 2\n": ("缩进不一致", 3),
    "a:\n\t b: 1\n": ("制表符（Tab）", 2),
    "a: 1\x01\n": ("控制字符", 1),
    "a: 1\n---\nb: 2\n": ("只能有一份政策", 2),
    "x: y\nz\n": ("缺少冒号", 3),
    "a: !foo x\n": ("不支持这种标签", 1),
    "{[1]: 2}\n": ("键不能是列表或键值表", 1),
}
PARSERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@pytest.mark.parametrize("text", list(BROKEN))
def test_each_parsers_error_is_said_in_chinese_at_its_line(parser: type, text: str) -> None:
    with pytest.raises(yaml.YAMLError) as caught:
        yaml.load(text, Loader=parser)  # the safe loaders only
    line, _, said = syntax.explained(caught.value, text)
    part, at = BROKEN[text]
    assert part in said and line == at, said
    assert not re.search(r"[A-Za-z]", said.replace("Tab", "")), "none of the parser's English (Tab: the key)"

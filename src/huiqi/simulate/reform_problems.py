"""A reform's YAML mistakes as its writer reads them: the line (and column) in their own YAML first, the place in it
in their words, in Chinese, without the YAML parser's English. Free of the database: the page says them beside its
box, ``huiqi simulate --reform FILE`` after the file's name."""

import re
from pathlib import Path

from huiqi.errors import InputError, PolicyFileError
from huiqi.labels import Problem

SOURCE = "改革方案"  # what a reform typed in a form's box is read as (``reform.parse_reform``)
PLACE = re.compile(rf"^{SOURCE}:(\d+|\?)?:? ", re.S)  # where a mistake is in the YAML typed in: 改革方案:3:
_YAML_ERROR = re.compile(r"^YAML 格式错误(?:（第 (\d+) 列）)?：?(.*)$", re.S)
_PARSERS_OWN = re.compile(r"（[ -~]+）$")  # the YAML parser's English words after the Chinese: not for the analyst
_TWICE = re.compile(r"^(\S+)：键重复$")


def placed(line: str, source: str = SOURCE) -> Problem:
    """A mistake in a reform's YAML read from ``source`` (the page's box, or a file), as the analyst reads it beside
    the box: its line (and column) in their YAML first, in Chinese.

    >>> placed("改革方案:3: YAML 格式错误（第 1 列）：缩进不一致（did not find expected key）")
    ('改革方案', '第 3 行第 1 列：YAML 格式错误：缩进不一致')
    >>> placed("改革方案:2: name：键重复"), placed("参数 11.cap：没有这个参数")
    (('改革方案', '第 2 行：“name”写了两次（每一项只能写一次）'), ('改革方案', '参数 11.cap：没有这个参数'))
    >>> placed("a:b.yaml:4: YAML 格式错误（第 2 列）：无法解析（x）", "a:b.yaml")
    ('改革方案', '第 4 行第 2 列：YAML 格式错误：无法解析')
    """
    found = (PLACE if source == SOURCE else re.compile(rf"^{re.escape(source)}:(\d+|\?)?:? ", re.S)).match(line)
    rest = line[found.end():] if found else line
    place = f"第 {found[1]} 行" if found and found[1] and found[1] != "?" else ""
    mistake = _YAML_ERROR.match(rest)
    if mistake:
        place += f"第 {mistake[1]} 列" if mistake[1] and place else ""
        said = _PARSERS_OWN.sub("", mistake[2]).strip()
        rest = "YAML 格式错误" + (f"：{said}" if said else "")
    twice = _TWICE.match(rest)
    if twice:
        rest = f"“{twice[1]}”写了两次（每一项只能写一次）"
    return Problem(SOURCE, f"{place}：{rest}" if place else rest, "reform")


KEYS = {"name": "名称", "description": "说明", "changes": "修改", "parameter": "参数", "since": "生效日期",
        "value": "新值", "source": "来源", "policy": "政策编号"}  # a reform YAML's keys, as the analyst says them
_CHANGE = re.compile(r"^changes\[(\d+)\](?:\.(\w+))?$")
_LINE = re.compile(r"^(第 \d+ 行)：")


def in_reform(place: str, why: str) -> str:
    """A mistake at ``place`` in the reform's YAML (``changes[0].since``), its line first, the place in Chinese.

    >>> in_reform("changes[0].since", "第 3 行：2025-13-01 不是有效日期")
    '第 3 行，第 1 项修改的生效日期（since）：2025-13-01 不是有效日期'
    >>> in_reform("changes[1].sinc", "第 4 行：不认识的字段（请检查拼写）"), in_reform("name", "第 1 行：缺少此项")
    ('第 4 行，第 2 项修改中的 sinc：不认识的字段（请检查拼写）', '第 1 行，名称（name）：缺少此项')
    >>> in_reform("（整体）", "应为对象（键值表）")
    '应写作 name:（名称）、changes:（修改）等各项'
    """
    if place.startswith("（"):
        return "应写作 name:（名称）、changes:（修改）等各项" if "对象" in why else why
    line = _LINE.match(why)
    why = why[line.end():] if line else why
    change = _CHANGE.match(place)
    if change:
        key = change[2]
        where = f"第 {int(change[1]) + 1} 项修改"
        where += ("" if key is None else f"的{KEYS[key]}（{key}）" if key in KEYS else f"中的 {key}")
    else:
        where = f"{KEYS[place]}（{place}）" if place in KEYS else place
    return f"{line[1]}，{where}：{why}" if line else f"{where}：{why}"


def in_file(error: InputError | PolicyFileError, path: Path) -> InputError:
    """A reform file's mistakes (``read_reform``, ``apply_reform``) as ``huiqi simulate --reform`` says them: the file
    named, each mistake at its line in the words the page says it in beside its box."""
    label = f"{SOURCE} {path}"
    if isinstance(error, InputError):
        return InputError([Problem(label, in_reform(field.removeprefix("reform."), why), "reform")
                           for field, why in error.problems])
    return InputError([Problem(label, placed(line, str(path))[1], "reform") for line in error.problems])

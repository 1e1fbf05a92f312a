"""A reform's YAML mistakes as its writer reads them: the line (and column) in their own YAML first, in Chinese,
without the YAML parser's English. Free of the database, for the page and the CLI alike."""

import re

from huiqi.labels import Problem

PLACE = re.compile(r"^改革方案:(\d+|\?)?:? ", re.S)  # where a mistake is in the YAML typed in: 改革方案:3:
_YAML_ERROR = re.compile(r"^YAML 格式错误(?:（第 (\d+) 列）)?：?(.*)$", re.S)
_PARSERS_OWN = re.compile(r"（[ -~]+）$")  # the YAML parser's English words after the Chinese: not for the analyst
_TWICE = re.compile(r"^(\S+)：键重复$")


def placed(line: str) -> Problem:
    """A mistake in the reform's YAML typed in on the page, as the analyst reads it beside the box: its line (and
    column) in their YAML first, in Chinese.

    >>> placed("改革方案:3: YAML 格式错误（第 1 列）：缩进不一致（did not find expected key）")
    ('改革方案', '第 3 行第 1 列：YAML 格式错误：缩进不一致')
    >>> placed("改革方案:2: name：键重复"), placed("参数 11.cap：没有这个参数")
    (('改革方案', '第 2 行：“name”写了两次（每一项只能写一次）'), ('改革方案', '参数 11.cap：没有这个参数'))
    """
    found = PLACE.match(line)
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
    return Problem("改革方案", f"{place}：{rest}" if place else rest, "reform")

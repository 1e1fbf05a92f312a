"""The amounts of money a clause states (最高100万元, 超亿元), for checking a money parameter against the text it
cites: a value the text does not state is most likely a slip in the value or in the clause (a warning, not an
error: the officer may mean it)."""

import re

from huiqi.money import FULL_WIDTH, wan

_UNITS = {"元": 1, "万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000}
_FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)?\s*(亿元|万元|元|亿|万)")


def amounts(text: str) -> set[int]:
    """Each amount the text states, in yuan; a bare 亿元 (超亿元) is one hundred million.

    >>> sorted(amounts("给予最高100万元奖励，单个项目最高3,000万元；对引进超亿元项目"))
    [1000000, 30000000, 100000000]
    >>> sorted(amounts("按照不超过投资额的30%给予0.5亿元支持")), amounts("给予资金支持")
    ([50000000], set())
    """
    found = set()
    for figure, unit in _FIGURE.findall(text.translate(FULL_WIDTH)):
        if not figure and unit not in ("亿元", "亿"):
            continue  # 万元 with no figure before it (单位：万元) states no amount
        number = float(figure.replace(",", "")) if figure else 1.0
        found.add(round(number * _UNITS[unit]))
    return found


def unstated(value: int, text: str, cited: str = "所引条文") -> str | None:
    """Why ``value`` (yuan) is doubtful against the ``text`` it cites (called ``cited``), or None when the text
    states it.

    >>> unstated(1_500_000, "分别给予最高100万元奖励", "措施3的条款原文")
    '150万元不见于措施3的条款原文（其中写的是 100万元）'
    >>> unstated(1_000_000, "分别给予最高100万元奖励") is None, unstated(1_000_000, "给予奖励")
    (True, '100万元不见于所引条文（其中没有写金额）')
    """
    stated = amounts(text)
    if value in stated:
        return None
    said = "、".join(f"{wan(a)}万元" for a in sorted(stated)) if stated else ""
    return f"{wan(value)}万元不见于{cited}（{'其中写的是 ' + said if said else '其中没有写金额'}）"

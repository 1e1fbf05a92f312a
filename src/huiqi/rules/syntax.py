"""A YAML syntax error said in Chinese, with what to do about it: the officer who wrote the file reads it, so the
parser's English is never shown. Both parsers are covered (libyaml's, used when PyYAML is built with it, and
PyYAML's own, whose words differ a little): each entry is matched as a part of the parser's problem."""

from typing import Any

# The parser's words (a part of them) and the Chinese said for them, the most particular first.
PROBLEMS: tuple[tuple[str, str], ...] = (
    ("'\\t'", "此处用了制表符（Tab）缩进，请改用空格"),  # PyYAML's own: found character '\t' that cannot…
    ("',' or ']'", "方括号 [ ] 没有闭合，或列表项之间缺少逗号"),
    ("',' or '}'", "花括号 { } 没有闭合，或各项之间缺少逗号"),
    ("mapping values are not allowed", "此处不能是“键: 值”：多半是缩进不对，或值中的冒号没有加引号"),
    ("mapping keys are not allowed", "此处不能出现键：多半是缩进不对"),
    ("block sequence entries are not allowed", "此处不能开始列表项（- ）：多半是缩进不对"),
    ("expected key", "缩进不一致：同一层的键应左对齐"),
    ("expected <block end>", "缩进不一致：同一层的键应左对齐"),
    ("expected ':'", "缺少冒号：键后应写冒号和空格（键: 值）；多行的文字请加引号"),
    ("expected '-' indicator", "列表项应以“- ”开头，并与同一列表的其他项对齐"),
    ("node content", "此处缺少内容：多半是多写了逗号、冒号或短横"),
    ("unexpected end of stream", "文件意外结束：多半是引号或括号没有闭合"),
    ("undefined alias", "引用了没有定义的锚点（*名称）"),
    ("duplicate anchor", "锚点（&名称）重复定义"),
    ("could not determine a constructor", "政策文件不支持这种标签（!!…）：只能写文字、数字、日期、列表和键值"),
    ("tab character", "此处用了制表符（Tab）缩进，请改用空格"),
    ("cannot start any token", "此处的字符不能作为内容的开头（如 @、`、% 或制表符）：请删去，或给这段文字加引号"),
    ("unknown escape character", "双引号中的反斜杠（\\）后跟了无法识别的字符：请改用单引号，或写成两个反斜杠"),
    ("unexpected ':'", "此处多了冒号：文字中含冒号时请给这段文字加引号"),
    ("document indicator", "行首的“---”或“...”会被当作文件的分隔：请给这段文字加引号"),
    ("single document", "文件中只能有一份政策：请删去“---”分隔出的其余部分"),
    ("another document", "文件中只能有一份政策：请删去“---”分隔出的其余部分"),
    ("document start", "文件的开头不是“键: 值”：请检查第一行"),
    ("comment or line break", "值后面多了内容：文字中含“ #”、引号或冒号时请给整段文字加引号"),
    ("whitespace", "此处应有空格（如冒号、短横之后）"),
    ("characters are not allowed", "文件中有不可见的控制字符：请删去"),
    ("unhashable key", "键不能是列表或键值表"),
    ("unacceptable key", "键不能是列表或键值表"),
    ("alphabetic or numeric character", "& 或 * 后应是锚点名称：文字以 & 或 * 开头时请加引号"),
    ("UTF-8", "文件中有无效的 UTF-8 字符"),
    ("Unicode", "文件中有无效的字符或转义"),
    ("indentation indicator", "多行文字（| 或 >）的缩进写法有误"),
    ("directive", "政策文件不用指令（以 % 开头的行）：请删去"),
    ("tag", "政策文件不支持标签（以 ! 开头的写法）：请删去，或给这段文字加引号"),
)
TAB = "此处用了制表符（Tab）缩进，请改用空格"
# What the parser's constructor refuses without a YAML error of its own: a standard tag on text it cannot read (a bare
# ValueError), and an alias inside what its anchor marks, or nesting too deep (a RecursionError).
TAGGED = "标签（如 !!int、!!float、!!timestamp）与其后的内容不符：请删去标签，或改正内容"
ENDLESS = "嵌套过深，或锚点引用了它自身（*名称 写在了 &名称 所标的内容之中）：请直接写出内容"
UNKNOWN = "此处不符合 YAML 格式：请检查缩进、冒号、引号和括号"
# Where the parser says what it was reading when it stopped (its "context"), the place where that began.
OPENED = (("quoted scalar", "引号"), ("flow sequence", "方括号"), ("flow mapping", "花括号"))


def said(problem: str) -> str:
    """The parser's problem said in Chinese.

    >>> said("did not find expected ',' or ']'"), said("expected ',' or ']', but got '<scalar>'")
    ('方括号 [ ] 没有闭合，或列表项之间缺少逗号', '方括号 [ ] 没有闭合，或列表项之间缺少逗号')
    >>> said("something new")
    '此处不符合 YAML 格式：请检查缩进、冒号、引号和括号'
    """
    return next((chinese for english, chinese in PROBLEMS if english in problem), UNKNOWN)


def explained(error: Any, source: str) -> tuple[int | None, int | None, str]:
    """A parser's error in ``source`` as (line, column, what is wrong in Chinese); the line and column are None when
    it gives none and the text does not show them. Where it was reading a quoted text or a bracket that began on
    another line, that line is said too."""
    mark = getattr(error, "problem_mark", None)
    text = said(str(getattr(error, "problem", None) or error))
    lines = source.splitlines()
    if mark is not None and mark.line < len(lines) and lines[mark.line][mark.column:mark.column + 1] == "\t":
        text = TAB  # libyaml says a tab at a line's start is a character that cannot start a token
    if mark is None:  # a control character: the reader stops before it has a place; the text shows it
        where = next(((n, line.index(c)) for n, line in enumerate(lines) for c in line if _control(c)), None)
        if where is not None:
            return where[0] + 1, where[1] + 1, text
    began, context = getattr(error, "context_mark", None), str(getattr(error, "context", None) or "")
    opened = next((what for english, what in OPENED if english in context), None)
    if opened and began is not None and (mark is None or began.line != mark.line):
        text += f"（{opened}开始于第 {began.line + 1} 行第 {began.column + 1} 列）"
    return (mark.line + 1, mark.column + 1, text) if mark is not None else (None, None, text)


def _control(character: str) -> bool:
    return (ord(character) < 32 and character not in "\t\r\n") or 0x7F <= ord(character) <= 0x9F

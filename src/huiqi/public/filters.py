"""A public list's filters (search boxes, selects) as its page keeps them: what cannot be kept is said beside the
box, as the calculator says its fields (``web.door.said_beside``), instead of an error page."""

from huiqi.labels import Problem
from huiqi.validation import kept, unkept


def kept_filter(problems: list[Problem], name: str, label: str, value: str | None, most: int) -> str:
    """``value`` cut to ``most`` without what no record keeps; why it could not be kept as typed (a control
    character, a length past ``most``) added to ``problems`` beside the box ``name``.

    >>> found: list[Problem] = []
    >>> kept_filter(found, "q", "查找单位", "示例\\x00", 50), [(*p, p.field) for p in found]
    ('示例', [('查找单位', '不能含有空字符（NUL）', 'q')])
    >>> kept_filter(found, "q", "查找单位", None, 50)
    ''
    """
    if value is None:
        return ""
    if (why := unkept(value, most)) is not None:
        problems.append(Problem(label, why, name))
    return kept(value, most)

"""A public list's filters (search boxes, selects, number choices) as its page keeps them: what cannot be kept is said
beside the box, as the calculator says its fields (``web.door.said_beside``), instead of an error page; its download
given such a filter answers a short page naming it, with the way back to the list, and no workbook."""

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse

from huiqi.labels import Problem
from huiqi.validation import control_reason, kept, unkept, whole_in
from huiqi.web.deps import CallerDep
from huiqi.web.render import page

# A public filter as typed (a search box, a select, a number): the door leaves it to the page (``said_beside``),
# which says beside the box why it cannot be kept (``kept_filter``, ``kept_whole``).
Typed = Annotated[str | None, Query(description="查找条件：过长、含控制字符或不是有效数字时在框旁说明")]


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


def kept_whole(problems: list[Problem], name: str, label: str, value: str | None, low: int, high: int) -> int | None:
    """The number chosen in the filter ``name`` (a year, a version), None when blank; one that is not a whole number
    from ``low`` to ``high`` (a letter, a NUL, a sign, ``10**30``) is None too, and said beside it in ``problems``.

    >>> found: list[Problem] = []
    >>> kept_whole(found, "year", "年度", "２０２５", 2000, 2100), kept_whole(found, "year", "年度", " ", 2000, 2100)
    (2025, None)
    >>> kept_whole(found, "year", "年度", "-1", 2000, 2100), [(*p, p.field) for p in found]
    (None, [('年度', '应为 2000 至 2100 之间的整数', 'year')])
    """
    if value is None or not value.strip():
        return None
    number = whole_in(value, low, high)
    if number is None:
        problems.append(Problem(label, control_reason(value) or f"应为 {low} 至 {high} 之间的整数", name))
    return number


def refused_download(request: Request, who: CallerDep, problems: list[Problem], back: str, listed: str,
                     status_code: int = 422) -> HTMLResponse:
    """A list's download asked with filters that cannot be kept (``problems``): no workbook, but a short page (422;
    404 for a version there is not) naming each filter and why, and a link ``back`` to the list ``listed``, where they
    are said beside their boxes."""
    return page(request, "public/download_refused.html", who, status_code=status_code, problems=problems, back=back,
                listed=listed)

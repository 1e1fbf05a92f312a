"""The door: every text a request carries is looked at once, before any handler reads it.

Path, query, form fields (and an uploaded file's name) and every string of a JSON body: a control
character (NUL above all, which PostgreSQL cannot store) is refused with the field named, and text far
longer than anything huiqi keeps is refused too. Each schema and form still bounds its own fields to
their columns; this is the net under them, so that no door forgets. A form field its route bounds longer than the
net (a policy file pasted whole) is held to its own bound instead.

A query parameter a page does not declare is let be: nothing reads it (a page that reads some undeclared ones itself,
the calculator's rows carried in a link, keeps only what can be kept of them), so one added to its address, with a NUL
or far too long, changes nothing; an API names it, as it names every mistake.

A page's form handler may say so itself, beside the field (``said_beside``; a page's query filters too): the door
then lets those fields through to it, so that a refusal shows the page again with the rest of the form and the text kept
(``validation.kept``: cut to its bound, without what cannot be kept) rather than an error page of its own. The
request body's limit (``web.limits``) still holds under them.
"""

from collections.abc import Callable
from types import NoneType, UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from huiqi.errors import InputError
from huiqi.labels import field_label
from huiqi.validation import control_reason, field_path

# Generous caps: the longest legitimate path segment is a matter key (64), a query a return address, a
# form field the reform YAML of a simulation.
LIMITS = {"path": 200, "query": 2_000, "form": 100_000, "json": 100_000, "file": 255}
# ``said_beside(EVERY)``: a form whose boxes are named as it runs (a table of parameters), every field its own
EVERY = "*"

Handler = TypeVar("Handler", bound=Callable[..., Any])
# The form fields each page handler checks itself and says beside the field (``said_beside``).
_BESIDE: dict[Callable[..., Any], frozenset[str]] = {}


def said_beside(*fields: str) -> Callable[[Handler], Handler]:
    """Mark a page's form handler that refuses what is wrong with these text fields itself (a control character, a
    length past the field's bound), beside the field, on its page shown again with the text kept
    (``validation.kept``): the door leaves them to it, a query's or a path's too (a page that says its own). A name
    ending in ``*`` stands for every field it begins (``matters-*``: a form whose rows are numbered)."""
    def mark(handler: Handler) -> Handler:
        _BESIDE[handler] = frozenset(fields)
        return handler
    return mark


def _beside(name: str, beside: frozenset[str]) -> bool:
    """Whether the form field ``name`` is one its page says beside itself (``said_beside``).

    >>> _beside("matters-3-date", frozenset({"matters-*"})), _beside("as_of", frozenset({"matters-*"}))
    (True, False)
    """
    return name in beside or any(f.endswith("*") and name.startswith(f[:-1]) for f in beside)


def _check(place: str, field: str, value: str, found: list[tuple[str, str]], most: int | None = None) -> None:
    if (why := control_reason(value)) is not None:
        found.append((field, why))
    elif len(value) > (most or LIMITS[place]):
        found.append((field, f"不能超过 {most or LIMITS[place]} 个字符"))


def _text_bound(field: Any) -> int | None:
    """A text parameter's ``max_length``; for a list it counts the values, not their characters, so it is not one."""
    kind = field.field_info.annotation
    kinds = get_args(kind) if get_origin(kind) in (Union, UnionType) else (kind,)
    if not all(k in (str, NoneType) for k in kinds):
        return None
    return next((m.max_length for m in field.field_info.metadata if getattr(m, "max_length", None)), None)


def _declared(dependant: Any) -> dict[str, int | None]:
    """The query parameters a route reads (its own and its dependencies'), each with its longest value if bounded."""
    found = {f.alias: _text_bound(f) for f in dependant.query_params}
    for sub in dependant.dependencies:
        found.update(_declared(sub))
    return found


def _forms(dependant: Any) -> dict[str, int]:
    """The form fields a route reads whose own bound is longer than the door's net (a policy file pasted whole)."""
    found = {f.alias: most for f in dependant.body_params if (most := _text_bound(f) or 0) > LIMITS["form"]}
    for sub in dependant.dependencies:
        found.update(_forms(sub))
    return found


def _route_declared(route: Any) -> dict[str, int | None] | None:
    """``_declared`` of the route, worked out on its first request and kept on it (a route's parameters are fixed once
    the app is built), with its longer form fields (``_forms``) as ``huiqi_forms``; None for a request that reached no
    route."""
    if not hasattr(route, "dependant"):
        return None
    if not hasattr(route, "huiqi_declared"):
        route.huiqi_forms = _forms(route.dependant)
        route.huiqi_declared = _declared(route.dependant)
    declared: dict[str, int | None] = route.huiqi_declared
    return declared


def _walk(value: Any, loc: tuple[Any, ...], found: list[tuple[str, str]]) -> None:
    """Every string of a JSON body, keys included, by its path (``matters[1].codes[0]``)."""
    if isinstance(value, str):
        _check("json", field_path(loc), value, found)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, (*loc, i), found)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check("json", field_path((*loc, key)), str(key), found)
            _walk(item, (*loc, key), found)


async def clean_input(request: Request) -> None:
    """Refuse a request whose text cannot be kept: a 422 naming each field, with the reason in Chinese."""
    found: list[tuple[str, str]] = []
    from huiqi.web.deps import refused_before_body
    from huiqi.web.errors import is_api

    route = request.scope.get("route")
    declared = _route_declared(route)
    # an API's body is always checked here; a page's form may say some of its fields' mistakes beside them
    beside = frozenset() if is_api(request) else _BESIDE.get(getattr(route, "endpoint", None), frozenset())
    for name, value in request.path_params.items():
        if isinstance(value, str) and not _beside(name, beside):  # a page may say its own (a download's version)
            _check("path", name, value, found)
    unknown: set[str] = set()
    for name, value in request.query_params.multi_items():
        if declared is not None and name not in declared:
            if not is_api(request):
                continue  # a page reads no parameter it does not declare: one added to its address does not matter
            unknown.add(name)
        elif _beside(name, beside):
            continue  # a page's filter said beside its box, the value kept (a public list's search box)
        most = (declared or {}).get(name)  # the field's own bound: what its form box allows, not the door's
        _check("query", name, value if most else name + value, found, most)
    kind = request.headers.get("content-type", "")
    if request.method in ("POST", "PUT", "PATCH") and not found:
        if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            longer: dict[str, int] = getattr(request.scope.get("route"), "huiqi_forms", {})
            for name, value in (await request.form()).multi_items():
                if isinstance(value, UploadFile):
                    _check("file", f"{name}（文件名）", value.filename or "", found)
                elif not _beside(name, beside):  # a field its page says beside itself is left to it
                    _check("form", name, name + value, found, longer.get(name))
        elif kind.startswith("application/json"):
            _walk(await _json(request), (), found)
    if found and is_api(request) and (refusal := await run_in_threadpool(refused_before_body, request)):
        raise refusal  # a caller who may not use the route at all is told so first, whatever the body holds
    if found:
        # a program reads the field's name or path; a person the label the form gives it
        raise InputError(found if is_api(request) else
                         [(f"未知的查询参数 {f}" if f in unknown else field_label(f), why) for f, why in found])


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None  # FastAPI answers malformed JSON itself

"""A sweep of every page and download opened by its address (every GET route without a path parameter), as the first
persona it opens for (``WHO``), given what no form of ours sends: a parameter the page does not read, with a NUL
(``zz=%00``), and each parameter it reads given a NUL and a number past any. Never a 500; never the generic error
page, save where ``STILL_GENERIC`` lists it (what is left to mend: each said beside its field once mended, and taken
off the list, which the sweep checks is still true of each)."""

from urllib.parse import urlencode

import pytest

from tests.web.test_limits import _routes

pytestmark = pytest.mark.anyio
GENERIC = 'data-back>返回上一页</a><a href="/">回到首页</a>'  # error.html's way on: the generic error page
GARBAGE = ("\x00", str(10**30))  # what no box sends, for text and number alike
# What an address needs before it opens at all (its parameters no page leaves out), the rest sent as without them
NEEDS = {"/districts": {"district_field": "region", "city_field": "city"}}
WHO = (None, "admin", "alice", "finance", "miit", "shenyang", "auditor", "analyst")  # the first that may open it
# Back-office filters a forged or cut address still answers with the generic error page (a 422 naming the field by
# its label, with the way on without it): to mend as the public lists were, each said beside its box.
STILL_GENERIC = {
    "/admin/calendar": {"year"}, "/admin/calendar.xlsx": {"year"}, "/admin/policies": {"base"},
    "/admin/users": {"edit", "page", "q", "role", "status"}, "/admin/users.xlsx": {"q", "role", "status"},
    "/applicants": {"page", "q"}, "/applicants.xlsx": {"q"},
    "/applications": {"city", "measure", "page", "q", "round", "state"},
    "/applications/new": {"amount", "matter", "measure", "round"},
    "/audit": {"page"},
    "/budgets": {"page"}, "/budgets.xlsx": {"year"}, "/me": {"apply", "matter", "measure", "round"},
    "/review": {"city", "measure", "page", "q", "round", "state"},
    "/review.xlsx": {"city", "measure", "q", "round", "state"},
    "/simulate": {"again", "as_of", "page"}, "/simulate/parameters.xlsx": {"as_of"}, "/simulate/reforms": {"a"},
}


def _reads(dependant) -> list[str]:
    """The query parameters a route reads, its own and its dependencies'."""
    return [p.alias for p in dependant.query_params] + [n for d in dependant.dependencies for n in _reads(d)]


async def test_no_address_gives_a_500_or_the_generic_error_page(app, browser, people) -> None:
    opened = {path: route for path, route in _routes(app.routes) if "GET" in route.methods and "{" not in path}
    assert len(opened) > 80
    clients = {who: browser(getattr(people, who) if who else None) for who in WHO}
    generic, failed = set(), []
    for path, route in sorted(opened.items()):
        needs = NEEDS.get(path, {})
        for who in WHO:  # the first persona the address opens for
            if (await clients[who].get(path, params=needs)).status_code == 200:
                break
        else:
            continue
        asked = [("zz", "\x00"), *((name, bad) for name in dict.fromkeys(_reads(route.dependant)) for bad in GARBAGE)]
        for name, bad in asked:
            if (path, name) in generic:
                continue  # found once is enough
            got = await clients[who].get(f"{path}?{urlencode({**needs, name: bad})}")
            if got.status_code >= 500 or got.status_code < 200:
                failed.append(f"{who} {path}?{name}={bad!r}: {got.status_code}")
            elif not path.startswith("/api/") and GENERIC in got.text:
                generic.add((path, name))
    assert not failed, failed
    listed = {(path, name) for path, names in STILL_GENERIC.items() for name in names}
    assert not {(p, n) for p, n in generic if n == "zz"}, "a parameter no page reads changes nothing"
    assert not generic - listed, f"the generic error page for a page's own parameter: {sorted(generic - listed)}"
    assert not listed - generic, f"mended: take them off STILL_GENERIC: {sorted(listed - generic)}"

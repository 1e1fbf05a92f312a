"""Liaoning's administrative divisions (GB/T 2260 codes) and the Shenfu zone.

沈抚示范区 has no GB/T 2260 code; the product uses the identifier ``shenfu``.
"""

from functools import cache

from huiqi.reference.tables import read_table

SHENFU = "shenfu"
LIAONING = "210000"

# GB/T 2260 province-level prefixes, to tell a place outside Liaoning from a typo.
PROVINCE_PREFIXES = frozenset(
    str(n)
    for n in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
              50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82)
)


@cache
def divisions() -> dict[str, dict[str, str]]:
    """Liaoning's divisions by code: the province, 14 cities, ``shenfu``, 100 county-level units."""
    return {row["code"]: row for row in read_table("liaoning_divisions")}


def cities() -> dict[str, str]:
    """City code to name for the 14 prefecture-level cities and ``shenfu``."""
    return {code: row["name"] for code, row in divisions().items() if row["level"] == "city"}


def region_problem(code: str) -> str | None:
    """Why ``code`` is not an acceptable region, or None when it is.

    >>> region_problem("210102") is None, region_problem("110101") is None
    (True, True)
    >>> region_problem("219999")
    '219999 不是辽宁省的行政区划代码（GB/T 2260）'
    >>> region_problem("210000")
    '210000 是辽宁省本级的代码：请填写注册地所在的市或县（区）的代码，如 210102（沈阳市和平区）'
    """
    if code == LIAONING:  # the province itself names no city: no 初审, no place in the statistics
        return f"{code} 是辽宁省本级的代码：请填写注册地所在的市或县（区）的代码，如 210102（沈阳市和平区）"
    if code == SHENFU or code in divisions():
        return None
    if len(code) != 6 or not code.isdigit():
        return f"{code!r} 不是六位行政区划代码，也不是 shenfu"
    if code[:2] == LIAONING[:2]:
        return f"{code} 不是辽宁省的行政区划代码（GB/T 2260）"
    if code[:2] not in PROVINCE_PREFIXES:
        return f"{code} 的前两位不是省级行政区划代码（GB/T 2260）"
    return None


def in_liaoning(code: str | None) -> bool | None:
    """Whether a region code lies in Liaoning (None when unknown).

    >>> in_liaoning("211403"), in_liaoning("shenfu"), in_liaoning("110101"), in_liaoning(None)
    (True, True, False, None)
    """
    if code is None:
        return None
    return code == SHENFU or code[:2] == LIAONING[:2]


def city_of(code: str | None) -> str | None:
    """The city a region belongs to: a 21xx00 code, ``shenfu``, or None.

    >>> city_of("210102"), city_of("shenfu"), city_of("210000"), city_of("110101")
    ('210100', 'shenfu', None, None)
    """
    if code is None or not in_liaoning(code):
        return None
    if code == SHENFU:
        return SHENFU
    city = code[:4] + "00"
    return city if city != LIAONING else None


def place_name(code: str | None) -> str | None:
    """A region as people read it: the city, then the district (沈阳市和平区); the code itself when unknown.

    >>> place_name("210102"), place_name("210100"), place_name("shenfu"), place_name("110105"), place_name(None)
    ('沈阳市和平区', '沈阳市', '沈抚改革创新示范区', '110105', None)
    """
    if code is None:
        return None
    row = divisions().get(code)
    if row is None:
        return code
    parent = divisions().get(row.get("parent") or "")
    return row["name"] if parent is None or parent["level"] != "city" else parent["name"] + row["name"]


OUTSIDE = "110101"  # the forms' 辽宁省外: any code outside Liaoning answers the place test the same way


def districts(city: str) -> dict[str, str]:
    """The county-level divisions of a city, code to unambiguous name (沈阳市铁西区, not 铁西区).

    >>> districts("210300")["210303"], len(districts("210100")), districts("shenfu"), districts("")
    ('鞍山市铁西区', 13, {}, {})
    """
    return {code: place_name(code) or code for code, row in divisions().items()
            if row["level"] == "county" and row.get("parent") == city}


def chosen_region(city: str, district: str) -> str | None:
    """The region a city select and a district select name: the district, or the city when no district is
    chosen; ValueError (in Chinese) when the district is not in the city.

    >>> chosen_region("210100", "210106"), chosen_region("210100", ""), chosen_region("", "")
    ('210106', '210100', None)
    >>> chosen_region("210100", "210303")
    Traceback (most recent call last):
    ...
    ValueError: 鞍山市铁西区不在沈阳市，请在沈阳市的区县中重新选择
    >>> chosen_region("210200", "110101")
    Traceback (most recent call last):
    ...
    ValueError: 所选区县在辽宁省外，不在大连市，请在大连市的区县中重新选择
    >>> chosen_region("110101", "210202")
    Traceback (most recent call last):
    ...
    ValueError: 大连市中山区在辽宁省内：注册地（市）请选择大连市，或区县不填（辽宁省外）
    """
    city, district = city.strip(), district.strip()
    if not district:
        return city or None
    if city and _elsewhere(city, district):
        raise ValueError(_elsewhere(city, district))
    return district


def _elsewhere(city: str, district: str) -> str:
    """Why the district does not lie in the city, in places' names ('' when it does): both in Liaoning and the
    district in that city, or both outside it (辽宁省外 has no districts to choose; a code is the place itself).
    A code that names no place is left to ``region_problem`` to say."""
    if region_problem(district) is not None or (in_liaoning(district) and district not in divisions()):
        return ""
    if in_liaoning(city) and not in_liaoning(district):
        return f"所选区县在辽宁省外，不在{place_name(city)}，请在{place_name(city)}的区县中重新选择"
    if not in_liaoning(city) and in_liaoning(district):
        name = place_name(city_of(district)) or "所在的市"
        return f"{place_name(district)}在辽宁省内：注册地（市）请选择{name}，或区县不填（辽宁省外）"
    if in_liaoning(city) and city_of(district) != city:
        return f"{place_name(district)}不在{place_name(city)}，请在{place_name(city)}的区县中重新选择"
    return ""


def region_city(code: str | None) -> str:
    """What a form's city select shows for a region: its city, ``shenfu``, ``OUTSIDE`` for a place outside
    Liaoning, or "" when none is given.

    >>> region_city("210303"), region_city("210100"), region_city("310101"), region_city(""), region_city("shenfu")
    ('210300', '210100', '110101', '', 'shenfu')
    """
    if not code:
        return ""
    if in_liaoning(code):
        return city_of(code) or ""
    return OUTSIDE

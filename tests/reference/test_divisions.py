"""Liaoning's divisions and the place test."""

from huiqi.reference import divisions

CITIES = {
    "210100": "沈阳市", "210200": "大连市", "210300": "鞍山市", "210400": "抚顺市", "210500": "本溪市",
    "210600": "丹东市", "210700": "锦州市", "210800": "营口市", "210900": "阜新市", "211000": "辽阳市",
    "211100": "盘锦市", "211200": "铁岭市", "211300": "朝阳市", "211400": "葫芦岛市",
}


def test_fourteen_cities_and_shenfu() -> None:
    assert divisions.cities() == {**CITIES, "shenfu": "沈抚改革创新示范区"}


def test_every_county_belongs_to_a_city() -> None:
    counties = [r for r in divisions.divisions().values() if r["level"] == "county"]
    assert len(counties) == 100
    assert all(divisions.city_of(r["code"]) == r["parent"] for r in counties)


def test_region_problems() -> None:
    assert divisions.region_problem("210102") is None
    assert divisions.region_problem("shenfu") is None
    assert divisions.region_problem("440300") is None, "outside Liaoning is a fact, not an error"
    assert "不是辽宁省的行政区划代码" in divisions.region_problem("210199")
    assert "前两位不是省级" in divisions.region_problem("990000")
    assert "六位" in divisions.region_problem("2101")

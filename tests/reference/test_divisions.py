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


def test_each_city_lists_its_own_districts_by_unambiguous_names() -> None:
    names = [name for city in CITIES for name in divisions.districts(city).values()]
    assert len(names) == 100 and len(set(names)) == 100, "no two districts read the same"
    assert divisions.districts("210100")["210106"] == "沈阳市铁西区"
    assert divisions.districts("210300")["210303"] == "鞍山市铁西区"
    assert all(divisions.city_of(code) == "210300" for code in divisions.districts("210300"))


def test_a_city_and_a_district_name_one_region() -> None:
    assert divisions.chosen_region("210300", "210303") == "210303"
    assert divisions.chosen_region("210300", "") == "210300"
    assert divisions.chosen_region("shenfu", "") == "shenfu"
    assert divisions.chosen_region(divisions.OUTSIDE, "") == divisions.OUTSIDE
    try:
        divisions.chosen_region("210100", "210303")
    except ValueError as error:
        assert str(error) == "鞍山市铁西区不在沈阳市，请在沈阳市的区县中重新选择"
    else:
        raise AssertionError("a district of another city is refused")
    assert [divisions.region_city(c) for c in ("210303", "shenfu", "440305", "")] == ["210300", "shenfu",
                                                                                      divisions.OUTSIDE, ""]

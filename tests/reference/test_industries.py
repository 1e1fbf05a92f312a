"""GB/T 4754-2017 and the NBS 2021 digital-economy core table.

The NBS table shipped here is a transcription (reference/data/README.md): no stored copy of the
official table (国家统计局令第33号) could be found to verify its 6-digit rows against, so no row
is marked verified. What third-party sources do corroborate is tested: the four core categories
and the 23 中类 names in order (人民网 report; sicmodule.glev.cn commentary), category 04's
twenty-seven 小类 (a third-party summary; issue 11 added the two the numbering implies), and the
structural anchors of the data README. A textbook chapter (Zeuyel/Digitial-Economics 9.第九章/full.md)
counts 126 GB/T classes; with 8760 电影放映 added the table has 127, so one of the two third-party
counts, or one low-confidence row, is wrong: the data README lists it among what to verify.
"""

from huiqi.reference import industries
from huiqi.reference.tables import read_table

CATEGORIES = {"01": "数字产品制造业", "02": "数字产品服务业", "03": "数字技术应用业", "04": "数字要素驱动业"}
GROUPS = [
    "计算机制造", "通讯及雷达设备制造", "数字媒体设备制造", "智能设备制造", "电子元器件及设备制造",
    "其他数字产品制造业",
    "数字产品批发", "数字产品零售", "数字产品租赁", "数字产品维修", "其他数字产品服务业",
    "软件开发", "电信、广播电视和卫星传输服务", "互联网相关服务", "信息技术服务", "其他数字技术应用业",
    "互联网平台", "互联网批发零售", "互联网金融", "数字内容与媒体", "信息基础设施建设", "数据资源与产权交易",
    "其他数字要素驱动业",
]


def test_gbt_counts() -> None:
    levels = [row["level"] for row in industries.industries().values()]
    assert [levels.count(x) for x in ("section", "division", "group", "class")] == [20, 97, 473, 1381]


def test_core_table_covers_127_classes_in_four_categories() -> None:
    table = industries.core_table()
    assert len(table) == 127
    assert {c for e in table.values() for c in e.categories} == set(CATEGORIES)
    assert all(industries.is_class(cls) for cls in table)


GROUP_CODES = [
    "0101", "0102", "0103", "0104", "0105", "0106", "0201", "0202", "0203", "0204", "0205",
    "0301", "0302", "0303", "0304", "0305", "0401", "0402", "0403", "0404", "0405", "0406", "0407",
]


def test_the_23_groups_in_order() -> None:
    """The table uses exactly the 23 中类 codes, whose names in code order are the corroborated list.

    0205 其他数字产品服务业 exists but has no rows: its GB/T classes could not be established.
    """
    names = dict(zip(GROUP_CODES, GROUPS, strict=True))
    used = {row["nbs_code"][:4] for row in read_table("digital_core_industries")}
    assert used == set(GROUP_CODES) - {"0205"}
    for row in read_table("digital_core_industries"):
        assert CATEGORIES[row["category"]] and row["nbs_code"][:2] == row["category"]
        assert names[row["nbs_code"][:4]]
    assert [names[c] for c in sorted(names)] == GROUPS


def test_anchors() -> None:
    table = industries.core_table()
    assert table["3973"].categories == ("01",)  # 集成电路制造
    assert table["6513"].categories == ("03",)  # 应用软件开发
    assert table["6432"].categories == ("04",)  # 互联网生活服务平台
    assert table["6513"].confidence == "high"


def test_partial_classes_leave_core_open() -> None:
    partial = sorted(c for c, e in industries.core_table().items() if e.partial)
    assert partial == ["2462", "3831", "4790", "4851", "4999", "6429", "6930", "7213", "7310", "7320", "7519"]
    assert industries.core_status("6930", None) is None
    assert industries.core_status("6930", True) is True
    assert industries.core_status("6930", False) is False


def test_core_status() -> None:
    assert industries.core_status("6513", None) is True
    assert industries.core_status("6513", False) is True, "confirmation only matters for * classes"
    assert industries.core_status("1311", True) is False
    assert industries.core_status(None, None) is None


def test_confidence_column_is_kept() -> None:
    values = {row["confidence"] for row in read_table("digital_core_industries")}
    assert values == {"high", "medium", "low"}


def test_category_04_has_the_27_subclasses_the_numbering_implies() -> None:
    """Issue 11: 040406 电影放映 (8760) and 040504 其他信息基础设施建设 added, each low confidence with its reason."""
    rows = [r for r in read_table("digital_core_industries") if r["category"] == "04"]
    assert len({r["nbs_code"] for r in rows}) == 27
    added = {r["nbs_code"]: r for r in rows if "issue 11" in r["note"]}
    assert set(added) == {"040406", "040504"} and {r["confidence"] for r in added.values()} == {"low"}
    assert added["040406"]["gbt4754_class"] == "8760" and industries.core_status("8760", None) is True
    assert industries.core_status("4999", None) is None, "0405's construction classes stay partial (*)"


def test_classes_in_a_group() -> None:
    whole, partial = industries.classes_in("0105")
    assert {"3973", "3562", "3983"} <= set(whole) and not partial
    assert industries.category_status("3973", None, ("0105",)) is True
    assert industries.category_status("4999", None, ("0405",)) is None
    assert industries.category_status("4999", True, ("0405",)) is True

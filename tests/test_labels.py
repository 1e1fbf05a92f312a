"""A matter is named by its code's Chinese label wherever it is shown, also when the code is a successor policy's own
(loaded from the catalogue at run time, not shipped)."""

from huiqi.labels import matter_label
from huiqi.review.pages import fact_value
from huiqi.rules import case
from huiqi.rules.policy import CodeInfo


def test_a_code_a_published_policy_defines_is_named(monkeypatch) -> None:
    assert matter_label(["compute_voucher"]) == "compute_voucher", "unknown: its code, rather than nothing"
    monkeypatch.setitem(case._registered, "compute_voucher",
                        CodeInfo("compute_voucher", "project", "算力服务合同", ("investment",), "project"))
    assert matter_label(["compute_voucher"], None, "2026-06-01") == "算力服务合同（2026-06-01）"
    assert fact_value("codes", ["compute_voucher", "little_giant"]) == "算力服务合同、专精特新“小巨人”企业（新认定）"

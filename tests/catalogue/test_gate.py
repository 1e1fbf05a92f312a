"""The publication gate: a file's own situations decide; a file whose measures are all services (a whitelist
carried on by a successor policy) can say what it expects of them and be published."""

import re
from pathlib import Path

from huiqi.catalogue.gate import situations_failing
from huiqi.rules.loader import load_text

SECOND = Path(__file__).parents[1] / "fixtures" / "second-policy.yaml"
SERVICE = """measures:
  - number: 1
    chapter: 一、测试
    title: 白名单
    clause: 建立并定期发布数字经济核心产业企业“白名单”。
    kind: service
    serves: [whitelist]
    units: [测试厅]
    services:
      - name: 数字经济核心产业企业“白名单”
        clause: 建立并定期发布数字经济核心产业企业“白名单”
        conditions:
          - {name: 数字经济核心产业企业, clause: 数字经济核心产业企业“白名单”, when: "kind == 'enterprise' and core"}
situations:
  - name: 核心产业企业可入选白名单
    as_of: 2025-06-30
    applicant: {uscc: 91210100MA0QC1B25F, kind: enterprise, region: "210100", industry: "6513"}
    matters: [{id: p1, type: project, codes: [test_pilot], investment: 1000000, date: 2025-03-01}]
    expect: [{matter: p1, measure: 1, status: EXPECTED}]
"""


def _service_only(expected: str, industry: str = "6513") -> str:
    head = re.sub(r"\nmeasures:.*", "\n", SECOND.read_text("utf-8"), flags=re.S)
    return head + SERVICE.replace("EXPECTED", expected).replace('"6513"', f'"{industry}"')


def test_a_service_only_file_passes_when_its_service_comes_out_as_expected() -> None:
    assert situations_failing(load_text(_service_only("eligible"), "s.yaml")) == []
    # an enterprise outside the core industries is not offered the service: expecting ineligible passes
    assert situations_failing(load_text(_service_only("ineligible", industry="3411"), "s.yaml")) == []


def test_a_service_expected_wrongly_is_named() -> None:
    assert situations_failing(load_text(_service_only("ineligible"), "s.yaml")) == [
        "测试情形「核心产业企业可入选白名单」：事项 p1·措施1（服务）应为不符合，实为符合"]
    assert situations_failing(load_text(_service_only("eligible", industry="3411"), "s.yaml")) == [
        "测试情形「核心产业企业可入选白名单」：事项 p1·措施1（服务）应为符合，实为不符合"]
    priced = _service_only("eligible").replace("status: eligible}", "status: eligible, ceiling: 100}")
    assert situations_failing(load_text(priced, "s.yaml")) == [
        "测试情形「核心产业企业可入选白名单」：措施1是服务措施，没有支持金额，预期结果不应写上限"]


def test_a_measure_with_no_result_and_no_service_is_still_named() -> None:
    text = SECOND.read_text("utf-8").replace("{matter: p1, measure: 1,", "{matter: p1, measure: 5,")
    assert situations_failing(load_text(text, "s.yaml")) == [
        "测试情形「测试试点项目最高50万元」：事项 p1 没有第 5 条措施的结果"]

"""A reform's mistakes said about the analyst's own input, in Chinese, beside the field they typed it in: a line of
their YAML (never the policy file's line or the server's path), no English from the YAML parser, a name taken said
beside the box it was typed in; and a parameter table filled in before a new version of its policy was published
is shown again with the values now in force (409), not run on values the analyst never saw."""

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from huiqi.catalogue import service as catalogue
from huiqi.errors import PolicyFileError
from huiqi.models import SavedReform, SimulationJob
from huiqi.rules.loader import load_many
from huiqi.simulate import reforms
from huiqi.simulate.reform import apply_reform, read_reform
from huiqi.users.scope import SYSTEM
from tests.simulate.test_reform_pages import POPULATION, _fields

pytestmark = pytest.mark.anyio
NEGATIVE = ("name: y1\ndescription: 负数\nchanges:\n"
            "  - {parameter: 11.cap, since: 2025-01-01, value: -5万元, source: 测试}\n")
SHIPPED = Path(__file__).parents[2] / "src" / "huiqi" / "policies" / "ln-2022-35.yaml"


def _beside(text: str, field: str) -> str:
    found = re.search(rf'<span class="field-error" id="e-{field}">([^<]*)</span>', text)
    return found[1] if found else ""


async def _refused(finance, **data: str):
    refused = await finance.post("/simulate", data={**POPULATION, **data, "csrf_token": finance.csrf})
    assert refused.status_code in (409, 422), refused.text
    return refused


@pytest.mark.parametrize(("yaml", "said"), [
    (NEGATIVE, "第 4 行：措施11「融合基础设施项目资金支持上限（单个项目）」（11.cap）的新值：金额不能为负数"),
    (NEGATIVE.replace("-5万元", "abc"), "第 4 行：措施11「融合基础设施项目资金支持上限（单个项目）」（11.cap）的新值："
                                       "金额“abc”应写作整数元，或带单位的数（元、万元、亿元）"),
    (NEGATIVE.replace("11.cap", "11.rate").replace("-5万元", "-1%"),
     "第 4 行：措施11「融合基础设施项目支持比例（不超过投资额）」（11.rate）的新值：比例“-1%”应大于 0% 且不超过 100%"),
    ("name: y1\nchanges: [ {parameter: 11.cap\n",
     "第 3 行第 1 列：YAML 格式错误：花括号 { } 没有闭合，或各项之间缺少逗号"),
    ("name: y1\nname: y2\nchanges: []\n", "第 2 行：“name”写了两次（每一项只能写一次）"),
    (NEGATIVE.replace("2025-01-01", "2025-13-01"), "第 4 行，第 1 项修改的生效日期（since）：2025-13-01 不是有效日期"),
    (NEGATIVE.replace("since:", "sinc:"), "第 4 行，第 1 项修改中的 sinc：不认识的字段（请检查拼写）"),
])
async def test_a_mistake_in_the_yaml_is_said_at_its_own_line_in_chinese_beside_the_box(browser, people, session,
                                                                                    yaml, said) -> None:
    finance = browser(people.finance)
    refused = await _refused(finance, reform=yaml)
    assert said in _beside(refused.text, "reform"), _beside(refused.text, "reform") or refused.text[-3000:]
    summary = refused.text[refused.text.index("error-summary"):refused.text.index("</ul>")]
    assert f'<a href="#f-reform">改革方案：{said}' in summary
    for technical in ("ln-2022-35.yaml", "policies/", "（改革：", "parameters.cap", ":372", "did not find",
                      "expected"):
        assert technical not in summary, technical
    assert session.scalar(select(func.count()).select_from(SimulationJob)) == 0


async def test_a_negative_rate_in_the_table_is_said_to_be_above_zero(browser, people, session) -> None:
    finance = browser(people.finance)
    field = next(r.field for r in reforms.rows(catalogue.published(session)) if r.key == "11.rate")
    refused = await _refused(finance, reform_name="负比例", **_fields(session, **{"11_rate": ("-1", "2025-01-01")}))
    said = _beside(refused.text, f"{field}_value")
    assert "应大于 0% 且不超过 100%" in said and "应写作百分数" not in said, said


async def test_a_name_taken_in_the_yaml_is_said_beside_the_yaml_box(browser, people, session) -> None:
    finance = browser(people.finance)
    yaml = NEGATIVE.replace("-5万元", "1500万元").replace("name: y1", "name: 同名")
    first = await finance.post("/simulate", data={**POPULATION, "reform": yaml, "csrf_token": finance.csrf})
    assert first.status_code == 303
    again = await _refused(finance, reform=yaml)
    assert again.status_code == 409
    said = _beside(again.text, "reform")
    assert "YAML 中的名称（name: 同名）已用于您保存的另一个改革方案：请在 YAML 中换一个名称" in said, said
    assert _beside(again.text, "reform_name") == "", "not beside the empty 方案名称 box"
    assert session.scalar(select(func.count()).select_from(SavedReform)) == 1


def test_a_reform_file_s_mistake_names_that_file_and_its_line_not_the_policy_s(tmp_path) -> None:
    """``huiqi simulate --reform`` reads the file with ``read_reform``: what it prints names the analyst's file."""
    path = tmp_path / "reform.yaml"
    path.write_text(NEGATIVE, "utf-8")
    with pytest.raises(PolicyFileError) as error:
        apply_reform(load_many(), read_reform(path))
    assert error.value.problems == [f"{path}:4: 措施11「融合基础设施项目资金支持上限（单个项目）」（11.cap）的新值："
                                    "金额不能为负数"]
    path.write_text(NEGATIVE.replace("11.cap", "11.cpa"), "utf-8")
    with pytest.raises(PolicyFileError) as error:
        apply_reform(load_many(), read_reform(path))
    assert error.value.problems == [f"{path}:4: 参数 11.cpa：没有这个参数（可用：cap, rate）"]


def _new_version(session, people, cap: str) -> None:
    """35号 published anew: 措施11's cap raised to ``cap`` from 2025-01-01."""
    text = SHIPPED.read_text("utf-8")
    old = "          - {since: 2022-07-23, value: 1000万元, source: 措施11：给予单个项目最高1000万元资金支持}\n"
    assert old in text
    text = text.replace(old, old + f"          - {{since: 2025-01-01, value: {cap}, source: 测试：新版本}}\n")
    draft = catalogue.add(session, actor=people.admin, text=text, file_name="ln-2022-35.yaml")
    catalogue.publish(session, actor=SYSTEM, version_id=draft.id)


async def test_a_table_filled_in_before_a_new_version_is_shown_again_with_its_values(browser, people, session,
                                                                                 set_today) -> None:
    set_today(date(2025, 6, 30))
    finance = browser(people.finance)
    form = (await finance.get("/simulate")).text
    seen = re.findall(r'<input type="hidden" name="seen" value="([^"]+)">', form)
    assert seen and all("|" in s for s in seen)
    row = next(r for r in reforms.rows(catalogue.published(session)) if r.key == "11.cap")
    assert row.in_force(date(2025, 6, 30))[0] == "1000"
    _new_version(session, people, "1200万元")
    session.commit()
    typed = {**_fields(session, **{"11_cap": ("1500", "2025-01-01")}), "reform_name": "旧页面"}
    stale = await finance.post("/simulate", data={**POPULATION, **typed, "seen": seen, "csrf_token": finance.csrf})
    assert stale.status_code == 409, stale.text[-2000:]
    said = _beside(stale.text, "params")
    assert "辽政办〔2022〕35号在本页打开后已发布新版本，下表已按新版本显示现行值" in said
    assert "措施11 融合基础设施项目资金支持上限（单个项目）现为 1200万元" in said and "请核对所填新值" in said
    assert re.search(r'<td data-label="现行值" class="num">1200</td>', stale.text), "the table as it is now"
    assert 'value="1500"' in stale.text, "what was typed is kept"
    assert session.scalar(select(func.count()).select_from(SimulationJob)) == 0
    fresh = re.findall(r'<input type="hidden" name="seen" value="([^"]+)">', stale.text)
    assert fresh != seen
    ran = await finance.post("/simulate", data={**POPULATION, **typed, "seen": fresh, "csrf_token": finance.csrf})
    assert ran.status_code == 303, "sent again from the form as it is now: run"

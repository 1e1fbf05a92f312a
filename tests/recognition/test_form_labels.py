"""The import form of /admin/lists refused "document：…" and, for its date, "published_on：不能超过 10 个字": every
refusal names the field by its Chinese label, and a date that is none is said to be none, whatever its length."""

import re
from datetime import date

import pytest

from huiqi.models import RecognitionList
from tests.dbtest import ALICE_USCC

pytestmark = pytest.mark.anyio
FORM = {"code": "single_champion", "level": "national", "document": "工信部企业函〔2025〕测试号",
        "published_on": "2025-06-01"}
ASCII_FIELD = re.compile(r"\b[A-Za-z_]{2,}\s*：")  # a field named by its name in the code (document：…)


async def test_no_refusal_of_the_import_form_names_a_field_in_ascii(browser, session, people, set_today) -> None:
    set_today(date(2025, 6, 30))
    unit = browser(people.miit)
    good = f"uscc,name\n{ALICE_USCC},示例科技有限公司\n".encode()
    sent = [({"published_on": "2025-06-01x"}, "发布日期：应为日期（YYYY-MM-DD）"),
            ({"published_on": "二〇二五年六月一日，依据……" * 20}, "发布日期：应为日期（YYYY-MM-DD）"),
            ({"published_on": ""}, "发布日期：应为日期（YYYY-MM-DD）"),
            ({"document": "函" * 201}, "发布文号：不能超过 200 个字（现为 201 个字）"),
            ({"document": "函" * 3000}, "发布文号：不能超过 200 个字（现为 3000 个字）"),
            ({"document": " "}, "发布文号：请填写名单的发布文号"),
            ({"document": "函\x01"}, "发布文号："), ({"code": "x" * 41}, "类别：请从列表中选择认定类别"),
            ({"code": "x" * 3000}, "认定类别：不能超过"), ({"level": "x" * 21}, "级别：应为"),
            ({"level": "x" * 3000}, "级别：不能超过")]
    for changed, said in sent:
        refused = await unit.post("/admin/lists", data={**FORM, **changed},
                                  files={"file": ("名单.csv", good, "text/csv")})
        assert refused.status_code == 422 and said in refused.text, changed
        assert not ASCII_FIELD.search(refused.text), (changed, ASCII_FIELD.findall(refused.text))
    assert session.query(RecognitionList).count() == 0


async def test_every_mistake_of_the_import_form_is_said_at_once_beside_its_field_in_the_form_s_order(
        browser, session, people, set_today) -> None:
    """The walk-through: no category, no file, no 文号 and a bad date were said one a submission (the date, then the
    文号, then the file). All four now, in the page's order (file, category, document, date), each beside its box."""
    set_today(date(2025, 6, 30))
    admin = browser(people.admin)
    refused = await admin.post("/admin/lists", data={"code": "", "level": "", "document": "",
                                                     "published_on": "2025-13-45"})
    assert refused.status_code == 422
    summary = refused.text.split('id="error-summary-title"')[1].split("</ul>")[0]
    said = re.findall(r'<a href="#f-(\w+)">([^：<]+)：', summary)
    assert said == [("file", "名单文件"), ("code", "认定类别"), ("document", "发布文号"),
                    ("published_on", "发布日期")], said
    for field in ("file", "code", "document", "published_on"):
        assert f'aria-describedby="e-{field}"' in refused.text and f'id="e-{field}"' in refused.text, field
    unreadable = await admin.post("/admin/lists", data={**FORM, "document": "", "level": "x" * 21},
                                  files={"file": ("名单.xlsx", b"not a workbook", "application/octet-stream")})
    summary = unreadable.text.split('id="error-summary-title"')[1].split("</ul>")[0]
    assert re.findall(r'<a href="#f-(\w+)">', summary) == ["file", "level", "document"], summary
    assert "名单文件：名单文件 不是有效的 Excel 工作簿" in summary
    assert session.query(RecognitionList).count() == 0


async def test_a_row_s_mistake_names_its_column_by_the_header_above_it(browser, people, set_today) -> None:
    """"第 3 行·名称" named a column headed 企业名称: a row's mistake says the header's words (单位名称 when the file
    heads it so; the template's 企业名称 for a file headed name)."""
    set_today(date(2025, 6, 30))
    unit = browser(people.miit)
    headers = (("统一社会信用代码,企业名称", "企业名称"), ("uscc,单位名称", "单位名称"), ("uscc,name", "企业名称"))
    for header, said in headers:
        refused = await unit.post("/admin/lists", data=FORM,
                                  files={"file": ("名单.csv", f"{header}\n{ALICE_USCC},\n".encode(), "text/csv")})
        assert refused.status_code == 422 and f"第 2 行·{said}：请填写{said}（不超过 200 个字）" in refused.text, header
        assert "·名称" not in refused.text

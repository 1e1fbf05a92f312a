"""The shared stylesheet and chart script: rules people see on every page."""

import re
from pathlib import Path

STATIC = Path(__file__).parents[2] / "src" / "huiqi" / "web" / "static"


def test_a_disabled_button_looks_unusable_whatever_its_kind() -> None:
    css = (STATIC / "css" / "huiqi.css").read_text("utf-8")
    rule = re.search(r"button:disabled[^{]*\{([^}]*)\}", css)
    assert rule and "cursor: not-allowed" in rule.group(1) and "background: #e5e7eb" in rule.group(1)
    assert "button:disabled.secondary" in css and "button:disabled.danger" in css


def test_a_chart_label_on_a_phone_keeps_the_document_number_whole() -> None:
    script = (STATIC / "charts.js").read_text("utf-8")
    assert 'const wrapped = label => String(label).replace(NUMBER_FIRST, "$1\\n");' in script, "the label formatter"
    pattern = re.search(r"const NUMBER_FIRST = /(.+?)/;", script)
    assert pattern, "the pattern it wraps after"
    shown = re.sub(pattern.group(1), r"\1\n", "辽政办〔2022〕35号 措施3 培育中小企业", count=1)
    assert shown == "辽政办〔2022〕35号\n措施3 培育中小企业"

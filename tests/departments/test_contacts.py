"""Objection contacts are data: every department that ever leads a measure has a row; a 公示 names the department
and shows only what a deployment filled in (never a placeholder)."""

from huiqi.departments.contacts import objection_contacts


def test_every_department_that_ever_leads_a_measure_has_an_objection_contact(policies) -> None:
    contacts = objection_contacts()
    leads = {dated.units[0] for p in policies for m in p.measures for dated in m.units} - {"各市政府"}
    assert "省数据局" in leads
    assert leads <= set(contacts), leads - set(contacts)
    for c in contacts.values():
        assert "未填写" not in f"{c.phone}{c.address}{c.mail}"  # empty until a deployment fills it in

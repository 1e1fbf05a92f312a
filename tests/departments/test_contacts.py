"""Objection contacts are data: every department that leads a measure has one, and each is complete."""

from huiqi.departments.contacts import objection_contacts


def test_every_leading_department_has_a_complete_objection_contact(policies) -> None:
    contacts = objection_contacts()
    leads = {m.units_at(p.issued)[0] for p in policies for m in p.measures} - {"各市政府"}
    assert leads <= set(contacts), leads - set(contacts)
    for c in contacts.values():
        assert c.phone and c.address and c.mail  # placeholders until a deployment fills them (not shown as real)

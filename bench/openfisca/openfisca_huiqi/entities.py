"""Applicants (申报单位) are the group entity; their matters (事项) are its members."""

from openfisca_core.entities import build_entity

Matter = build_entity(
    key="matter", plural="matters", label="事项",
    doc="One recognition, project or establishment of an applicant; support is given per matter.",
    is_person=True,
)

Applicant = build_entity(
    key="applicant", plural="applicants", label="申报单位",
    doc="An enterprise or other unit, identified by its unified social credit code.",
    roles=[{"key": "matter", "plural": "matters", "label": "事项"}],
)

entities = [Matter, Applicant]

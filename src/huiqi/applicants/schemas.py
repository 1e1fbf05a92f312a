"""An applicant's profile as the services take it: the interchange fields plus good standing."""

from pydantic import BaseModel, ConfigDict

MATCH_FIELDS = ("uscc", "name", "kind", "region", "industry", "digital_core_confirmed", "size", "above_scale",
                "established", "revenue", "revenue_prior")
STANDING_FIELDS = ("independent_legal_entity", "sound_accounts", "bad_credit", "major_accident")
PROFILE_FIELDS = MATCH_FIELDS[1:] + STANDING_FIELDS


class Standing(BaseModel):
    """The applicant conditions of the fund's 2025 application guide; None is not yet known."""

    model_config = ConfigDict(extra="forbid", strict=True)

    independent_legal_entity: bool | None = None
    sound_accounts: bool | None = None
    bad_credit: bool | None = None
    major_accident: bool | None = None

"""What stands between a draft (or one returned for correction) and its submission today, said on its page before
the click in the submission's own words: what the enterprise does on the page itself (the declaration, the
materials, the account), and what it cannot mend there (the round's time, its standing, the rules)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from huiqi.applicants import repository as applicants
from huiqi.applicants import standing
from huiqi.applications import payee, repository, service
from huiqi.models import Application
from huiqi.rounds import submission
from huiqi.workflow.judgement import Judgement

# What each blocker is; the page offers another round only for what a re-declaration or the account cannot mend.
DECLARATION, MATERIALS, PAYEE, ELSE = "declaration", "materials", "payee", "else"


@dataclass(frozen=True)
class Blocker:
    """One reason the submission would be refused now: ``why`` as the submission says it; ``todo``, what to do on
    this page and ``where`` (the id of the box it is done in), both '' when it is not mended here."""

    why: str
    kind: str = ELSE
    todo: str = ""
    where: str = ""


def of(session: Session, application: Application, day: date, preview: Judgement | None,
       unreadable: str = "") -> list[Blocker]:
    """Every reason the submission would be refused on ``day``, in the page's order (the materials, the account and
    the declaration, each mended on the page, then the applicant's standing and the rules' ``preview``, or why the
    rules cannot read the applicant's record, ``unreadable``); past its round's time (or its correction days) a
    declaration, a file or an account mends nothing: only that is said of them."""
    late = submission.out_of_time(session, application, day)
    found = [Blocker(late)] if late else _on_the_page(session, application)
    refusals = [standing.refusal(applicants.current_profile(session, application.applicant_id), "提交")]
    if preview is not None:
        refusals.append(preview.refusal(application, amount=application.amount_requested, eligible_only=False,
                                        what="申请金额"))
    elif unreadable:
        refusals.append(f"本单位登记的信息无法按现行规则判断：{unreadable}")
    return found + [Blocker(why) for why in refusals if why]


def _on_the_page(session: Session, application: Application) -> list[Blocker]:
    """What the enterprise still has to do on the application's page before submitting, in the page's order."""
    found = []
    if wanting := submission.materials_wanting(session, application):
        names = "、".join(submission.missing_materials(session, application))
        found.append(Blocker(wanting, MATERIALS, f"上传{names}", "f-file"))
    elif not repository.materials(session, application.id):
        found.append(Blocker(service.MATERIAL_FIRST, MATERIALS, "上传申报材料", "f-file"))
    if application.payee_confirmed_at is None:
        found.append(Blocker(payee.NEEDED, PAYEE, "确认收款账户", "f-bank"))
    if application.declaration is None:
        found.append(Blocker(service.DECLARE_FIRST, DECLARATION, "作出承诺", "f-agree"))
    elif not service.declaration_stands(session, application):
        found.append(Blocker(service.DECLARE_AGAIN, DECLARATION, "再次作出承诺", "f-agree"))
    return found

"""An enterprise accepts an offer from its page (申请即享): the draft opens, ready for materials."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from huiqi.offers import service
from huiqi.web.deps import Actor, CallerDep, Db, RecordId
from huiqi.web.render import page
from huiqi.web.steps import Refusal, form_step

router = APIRouter(include_in_schema=False)


@router.post("/offers/{offer_id}/accept", response_model=None)
def accept(request: Request, who: CallerDep, actor: Actor, session: Db, offer_id: RecordId) -> Response:
    def again(refusal: Refusal) -> Response:
        return page(request, "error.html", who, status_code=refusal.status_code, status=refusal.status_code,
                    message=refusal.message)

    return form_step(session, lambda: service.accept(session, actor=actor, offer_id=offer_id),
                     done=lambda draft: f"/applications/{draft.id}", again=again,
                     said="已生成申报草稿（金额为可获支持上限）；请上传批次要求的材料、作出承诺后提交")

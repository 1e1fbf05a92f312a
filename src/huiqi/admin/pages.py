"""The admin's policy versions page: each policy file checked, its dated parameters and units over time."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from huiqi.admin import service
from huiqi.web.deps import Actor, CallerDep
from huiqi.web.render import page

router = APIRouter(include_in_schema=False)
KINDS = {"money": "金额", "rate": "比例", "date": "日期", "int": "整数"}


@router.get("/admin/policies", response_class=HTMLResponse)
def policies_page(request: Request, who: CallerDep, actor: Actor) -> HTMLResponse:
    return page(request, "admin/policies.html", who, files=service.policy_files(actor=actor), kinds=KINDS)

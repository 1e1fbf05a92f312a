"""The department's 公示 page: the batches it opened, the applications in them (each applicant named as published,
and by its name now when it has changed since) and when each ends; Excel."""


from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from huiqi import clock
from huiqi.announcements import service as announcements
from huiqi.announcements.endpoints import read
from huiqi.catalogue import service as catalogue
from huiqi.labels import measure_label
from huiqi.public.service import measure_titles
from huiqi.web.deps import Actor, CallerDep, Db
from huiqi.web.excel import Table, download
from huiqi.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/announcements/manage", response_class=HTMLResponse)
def manage(request: Request, who: CallerDep, actor: Actor, session: Db) -> HTMLResponse:
    batches = [read(session, b, rows) for b, rows in announcements.managed(session, actor=actor)]
    return page(request, "announcements/manage.html", who, batches=batches, titles=measure_titles(session),
                today=clock.today(), status=announcements.status)


@router.get("/announcements/manage.xlsx")
def export(actor: Actor, session: Db) -> Response:
    titles, today, numbers = measure_titles(session), clock.today(), catalogue.numbers(session)
    rows = [[b.id, b.title, b.starts_on, b.ends_on, b.working_days, e.application_id, e.applicant, e.uscc,
             numbers.get(e.policy_id, e.policy_id), measure_label(e.measure, titles.get((e.policy_id, e.measure))),
             e.amount_proposed, announcements.status(e.state, b.starts_on, b.ends_on, today), e.renamed]
            for b in (read(session, b, rows) for b, rows in announcements.managed(session, actor=actor))
            for e in b.entries]
    header = ["公示编号", "标题", "开始日期", "截止日期", "工作日数", "申报编号", "申报单位（公示时名称）",
              "统一社会信用代码", "政策", "措施", "拟支持金额", "状态", "现名（公示后更名的）"]
    table = Table("公示清单", header, rows, money={"拟支持金额"})
    return download(table, f"公示清单-{clock.today().isoformat()}.xlsx")

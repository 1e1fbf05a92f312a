"""Signing in and out in the browser: a session cookie (HttpOnly, SameSite, Secure outside development)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from huiqi.auth import service as auth
from huiqi.config import get_settings
from huiqi.errors import NotAuthenticated
from huiqi.labels import Problem
from huiqi.validation import control_reason, kept, site_path
from huiqi.web.deps import SESSION_COOKIE, CallerDep, Db
from huiqi.web.door import said_beside
from huiqi.web.render import page
from huiqi.web.steps import flash

router = APIRouter(include_in_schema=False)
HOME = {"enterprise": "/me", "city": "/review", "department": "/review", "finance": "/review", "admin": "/review",
        "auditor": "/review", "analyst": "/simulate"}


MAX_NEXT = 2000  # the sign-in form's bound on where to go next: a longer address leads to the home page instead
USERNAME_MOST, PASSWORD_MOST = 64, 256  # a login and a password, as the API's sign-in bounds them
def _form_problems(username: str, password: str) -> list[Problem]:
    """What is wrong with the form as typed, each beside its box: a box left empty, past its bound, or with a
    character no record keeps (the door leaves both boxes to the form, whatever they hold: ``said_beside``)."""
    problems = []
    for field, label, typed, most in (("username", "登录名", username, USERNAME_MOST),
                                      ("password", "密码", password, PASSWORD_MOST)):
        if not (typed.strip() if field == "username" else typed):
            problems.append(Problem("", f"请填写{label}", field))
        elif len(typed) > most:
            problems.append(Problem(label, f"不能超过 {most} 个字（现为 {len(typed)} 个字）", field))
        elif (why := control_reason(typed)) is not None:
            problems.append(Problem(label, why, field))
    return problems


@router.get("/login", response_class=HTMLResponse)
@said_beside("next")  # where to go next: one not on this site, too long or with a control character is the home page
def login_form(request: Request, who: CallerDep, next: str | None = None) -> HTMLResponse:
    return page(request, "auth/login.html", who, next=site_path(next, MAX_NEXT) or "", problems=[])


@router.post("/login", response_model=None)
@said_beside("username", "password", "next")
def login(request: Request, who: CallerDep, session: Db, username: Annotated[str, Form()] = "",
          password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> HTMLResponse | RedirectResponse:
    address = request.client.host if request.client else "unknown"
    problems = _form_problems(username, password)
    if problems:  # said on the form itself, beside each box, not on a page of its own; no attempt counted
        return page(request, "auth/login.html", who, status_code=422, next=site_path(next, MAX_NEXT) or "",
                    problems=problems, username=kept(username, USERNAME_MOST))
    try:
        signed = auth.sign_in(session, username=username.strip(), password=password, address=address)
    except NotAuthenticated as error:  # said of neither box: which of the two was wrong is not told
        session.commit()  # the failed attempt counts toward the limit
        return page(request, "auth/login.html", who, status_code=401, next=site_path(next, MAX_NEXT) or "",
                    problems=[("", error.message)], username=username)
    session.commit()
    home = "/account/password" if signed.user.must_change_password \
        else site_path(next, MAX_NEXT) or HOME.get(signed.user.role, "/")
    response = RedirectResponse(home, status_code=303)
    settings = get_settings()
    response.set_cookie(SESSION_COOKIE, signed.token, httponly=True, samesite="lax", secure=settings.secure_cookies,
                        max_age=settings.session_hours * 3600, path="/")
    return response


@router.post("/logout")
def logout(request: Request, session: Db) -> RedirectResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.sign_out(session, token)
        session.commit()
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    if token:
        flash(response, "已退出登录")
    return response

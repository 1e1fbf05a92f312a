"""Settings: one pydantic-settings object, read from ``HUIQI_*`` environment variables.

Every setting carries help text (tests/test_config.py holds that). A secret may also be given as
a file (``HUIQI_<NAME>_FILE``, as container secrets are mounted); a secret left at its
development default is refused outside development.
"""

from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from huiqi.errors import ConfigError
from huiqi.validation import problems

DEV_DEMO_PASSWORD = "huiqi-demo"
LOOPBACK = ("127.0.0.1", "localhost", "::1")  # a public address no one outside this machine can follow
SECRETS = ("demo_password", "smtp_password")


class Settings(BaseSettings):
    """Everything huiqi reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="HUIQI_", extra="ignore")

    environment: Literal["development", "test", "production"] = Field(
        "development",
        description="运行环境：development（默认）、test 或 production；非开发环境拒绝开发用的默认密钥。")
    database_url: str = Field(
        "sqlite:///var/huiqi.db",
        description="数据库地址（SQLAlchemy URL）。默认是当前目录下的 SQLite 文件 var/huiqi.db，无需任何设置；"
                    "省级部署用 PostgreSQL，如 postgresql+psycopg://user@host:5432/huiqi。")
    materials_dir: Path = Field(
        Path("var/materials"), description="申报材料的存放目录；文件按内容的 SHA-256 命名，写入后不再改动。")
    max_material_bytes: int = Field(
        20 * 1024 * 1024, ge=1, description="单个申报材料的大小上限（字节），默认 20 MiB。")
    public_url: str = Field(
        "http://127.0.0.1:8000", max_length=200, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description="本平台对外的网址（如 https://huiqi.ln.gov.cn），用于邮件中的链接和分享链接，生产环境必须设置；"
                    "不设时（演示）为 `huiqi serve` 启动时的地址和端口（默认 http://127.0.0.1:8000）。")
    smtp_host: str | None = Field(
        None, description="发送邮件的 SMTP 服务器；不设则消息只在站内消息中心（演示默认如此）。")
    smtp_port: int = Field(25, ge=1, le=65535, description="SMTP 端口，默认 25。")
    smtp_sender: str = Field("huiqi@localhost", description="邮件的发件人地址，如 huiqi@sjj.ln.gov.cn。")
    smtp_tls: bool = Field(False, description="是否用 STARTTLS 加密连接。")
    smtp_user: str | None = Field(None, description="SMTP 登录名（可选）。")
    smtp_password: str | None = Field(None, description="SMTP 密码（可选；可用 HUIQI_SMTP_PASSWORD_FILE 给出）。")
    smtp_password_file: Path | None = Field(None, description="从文件读取 SMTP 密码。")
    announcement_working_days: int = Field(
        5, ge=1, le=60, description="公示期的默认工作日数（按国家法定节假日和调休上班日计算），默认 5 个工作日。")
    organizer: str = Field(
        "", max_length=200,
        description="页脚所示的主办单位（本平台的运营单位）；按部署地实际填写，未填写时页脚不显示。")
    contact: str = Field(
        "", max_length=500,
        description="页脚所示的联系方式（咨询电话、邮箱等）；按部署地实际填写，未填写时页脚不显示。")
    demo_password: str = Field(
        DEV_DEMO_PASSWORD, description="`huiqi demo seed` 创建的演示用户的密码；非开发环境必须另行设置。")
    demo_password_file: Path | None = Field(
        None, description="从文件读取演示用户密码（代替 HUIQI_DEMO_PASSWORD），便于以密钥文件挂载。")

    today: date | None = Field(
        None, description="演示、培训或测试环境的“今天”（YYYY-MM-DD），用于走完公示期等需要时间经过的流程；"
                          "生产环境不得设置，系统日期即为今天。")
    session_hours: int = Field(
        8, ge=1, le=24 * 30, description="登录会话的有效时长（小时），默认 8 小时；到期后需重新登录。")
    login_max_failures: int = Field(
        5, ge=1, description="同一用户名从同一地址在统计窗口内允许连续失败的次数；超过后每次须等待，"
                             "等待时间逐次加倍（同一地址对所有用户名合计允许其四倍）。账号本身不会被锁定。")
    login_window_minutes: int = Field(
        15, ge=1, description="登录失败次数的统计窗口（分钟），默认 15 分钟；也是单次等待的上限。")
    login_delay_seconds: int = Field(
        2, ge=1, le=600, description="超过允许失败次数后第一次须等待的秒数，之后每次失败加倍。")
    token_days: int = Field(
        30, ge=1, le=3650, description="API 令牌的有效期（天），默认 30 天；到期后须重新申领。")
    trusted_proxies: str = Field(
        "", max_length=1000, description="可信反向代理的地址（逗号分隔）；只有来自这些地址的请求，才采用其 "
                                         "X-Forwarded-For 头中的客户端地址（用于登录限速）。默认不信任任何代理。")
    cookie_secure: bool | None = Field(
        None, description="会话 Cookie 是否只经 HTTPS 发送；不设时，开发环境为否，其他环境为是。")
    jobs_dir: Path = Field(
        Path("var/jobs"), description="测算任务的企业样本数据和报告的存放目录。")
    shared_dir: Path = Field(
        Path("var/shared"), description="政策计算器“分享结果”保存的计算结果的存放目录（不含所填信息）。")
    share_days: int = Field(
        90, ge=1, le=3650, description="分享链接的有效天数，默认 90 天；过期后链接打开为“已失效”。")
    max_upload_bytes: int = Field(
        200 * 1024 * 1024, ge=1, description="网页上传的测算样本数据的大小上限（字节），默认 200 MiB。")
    max_request_bytes: int = Field(
        1024 * 1024, ge=1024,
        description="其他请求（JSON、表单）的请求体上限（字节），默认 1 MiB，超过即答 413；"
                    "上传材料和测算样本数据另按 HUIQI_MAX_MATERIAL_BYTES、HUIQI_MAX_UPLOAD_BYTES 限制。")
    max_match_matters: int = Field(
        100, ge=1, le=10_000,
        description="公开接口 POST /api/v1/match 每个案例最多的事项数，默认 100；更大的批量请用 `huiqi simulate`。")
    threads: int = Field(
        40, ge=1, le=1000,
        description="每个服务进程同时处理请求的线程数（FastAPI 在线程池中运行同步处理函数），默认 40。")
    db_pool_size: int | None = Field(
        None, ge=1, le=1000,
        description="每个服务进程的数据库连接池大小；不设时等于 HUIQI_THREADS（每个线程一次占用一个连接），"
                    "另可临时多开 10 个。PostgreSQL 的 max_connections 须不小于 进程数 ×（本值 + 10），"
                    "`huiqi serve` 启动时检查并提示。")

    match_processes: int = Field(
        1, ge=0, le=64,
        description="每个服务进程用于计算较大匹配案例和生成 Excel 导出（申报清单、统计表）的子进程数，默认 1；"
                    "这些工作在子进程中进行，不与其他请求争用同一个 Python 解释器（导出时子进程各用一个数据库连接）。"
                    "设为 0 则都在线程池中进行（结果相同）。")
    match_inline_matters: int = Field(
        10, ge=0, le=10_000,
        description="事项数不超过此值的匹配案例直接在线程池中计算（省去进程间传递），更大的交给子进程，默认 10。")

    @property
    def pool_size(self) -> int:
        """Database connections per server process: the setting, else one per request thread."""
        return self.db_pool_size or self.threads

    @property
    def secure_cookies(self) -> bool:
        """Cookies are Secure outside development unless a setting says otherwise."""
        return self.cookie_secure if self.cookie_secure is not None else self.environment != "development"

    @model_validator(mode="after")
    def _secrets(self) -> "Settings":
        for name in SECRETS:
            file = getattr(self, f"{name}_file")
            if file is not None:
                try:
                    setattr(self, name, Path(file).read_text("utf-8").strip())
                except OSError as exc:
                    raise ValueError(f"无法读取 HUIQI_{name.upper()}_FILE（{file}）：{exc.strerror}") from None
        return self

    def refuse_dev_secrets(self) -> None:
        """Outside development, a secret still at its development default is an error."""
        if self.environment != "development" and self.demo_password == DEV_DEMO_PASSWORD:
            raise ConfigError("HUIQI_DEMO_PASSWORD 仍是开发用的默认值；"
                              "非开发环境请另行设置（或用 HUIQI_DEMO_PASSWORD_FILE）")
        if self.environment == "production" and self.today is not None:
            raise ConfigError("HUIQI_TODAY 只用于演示、培训或测试环境；生产环境以系统日期为今天，请删除此设置")
        if self.environment == "production" and urlsplit(self.public_url).hostname in LOOPBACK:
            raise ConfigError(f"HUIQI_PUBLIC_URL 仍是本机地址 {self.public_url}；生产环境请设为本平台对外的网址"
                              "（如 https://huiqi.ln.gov.cn），邮件和分享链接由它生成")


@cache
def get_settings() -> Settings:
    """The settings, read once per process; a bad value is a ConfigError naming its variable and the reason."""
    try:
        return Settings()
    except ValidationError as exc:
        named = [f"HUIQI_{'_'.join(str(p) for p in loc).upper()}：{why}" for loc, why in problems(exc)]
        raise ConfigError("设置有误：" + "；".join(named)) from None


def public_link(path: str) -> str:
    """A site path (``/subscriptions/confirm/…``) as an address to follow from outside: a mail, a shared link.

    >>> public_link("/calculator/shared/x").endswith("/calculator/shared/x")
    True
    """
    return get_settings().public_url.rstrip("/") + path if path.startswith("/") else path


def served_address(host: str, port: int) -> str:
    """The address a server started on ``host``:``port`` is reached at from this machine (a wildcard host at the
    loopback address): ``huiqi serve`` makes it HUIQI_PUBLIC_URL's default, so that a demo started on another port
    shares links and mails links to that port, never to 8000.

    >>> served_address("0.0.0.0", 8100), served_address("::", 8100), served_address("10.0.0.5", 80)
    ('http://127.0.0.1:8100', 'http://[::1]:8100', 'http://10.0.0.5:80')
    """
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

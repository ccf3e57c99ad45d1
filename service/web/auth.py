"""Logging in and out (Flask-Login), the language switch, and what pages use to know the
caller: ``web_user()`` and ``web_actor()``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from domain.access import Actor
from service.services import services
from service.users import User
from service.web.security import limiter

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
LANGUAGES = ("vi", "en")


class WebUser(UserMixin):  # type: ignore[misc]
    """A staff account as Flask-Login sees it."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return self.user.username

    @property
    def is_active(self) -> bool:
        return self.user.active


def web_user() -> User:
    return current_user.user  # type: ignore[no-any-return]


def web_actor() -> Actor:
    return web_user().actor


def init(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page says why on its own
    login_manager.session_protection = "basic"  # a changed browser or address: session not fresh

    @login_manager.user_loader
    def load(username: str) -> WebUser | None:
        # Looked up on every request: a disabled account is logged out at once.
        user = services().cases.users.get(username)
        return WebUser(user) if user is not None and user.active else None


class LoginForm(FlaskForm):  # type: ignore[misc]
    username = StringField(validators=[DataRequired(), Length(max=63)])
    password = PasswordField(validators=[DataRequired(), Length(max=200)])


def _failed(response: Any) -> bool:
    """Only answers that refused a login count against the limit."""
    return bool(response.status_code == 200 and request.method == "POST")


def _login_limit() -> str:
    return str(current_app.config["LOGIN_LIMIT"])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
def login() -> Any:
    """The login page; on success a new session and on to the page asked for."""
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = services().cases.users.authenticate(form.username.data.strip(), form.password.data)
        if user is not None:
            target = _safe_next(request.args.get("next"))
            language = session.get("lang")
            session.clear()  # a new session at login: nothing carried over from before
            if language:
                session["lang"] = language
            login_user(WebUser(user))
            session.permanent = True
            return redirect(target)
        error = _("Sai tên đăng nhập hoặc mật khẩu.")
    elif request.method == "POST":
        error = _("Nhập tên đăng nhập và mật khẩu.")
    return render_template("auth/login.html", form=form, error=error)


@bp.post("/logout")
@login_required  # type: ignore[misc]
def logout() -> Any:
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(_("Đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language() -> Any:
    """Switch between Vietnamese and English and go back to the page."""
    chosen = request.form.get("lang", "vi")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return redirect(_safe_next(request.form.get("next")))


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("index")

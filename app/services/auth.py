"""Logging in: credentials, throttling, sessions and API tokens (all kept in the database)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from functools import cache, lru_cache

from sqlalchemy import bindparam
from sqlmodel import Session, col, delete, select

from app.core import clock
from app.core.config import get_settings
from app.core.i18n import N_
from app.core.security import hash_password, new_token, sign, token_digest, unsign, verify_password
from app.domain.throttle import Allowance, failures_since_success, wait_before_next_try
from app.models import AuthSession, LoginAttempt, User
from app.models.auth import SessionKind
from app.services import audit

USERNAME_LENGTH = LoginAttempt.__table__.c.username.type.length
# Attempts older than this no longer matter to any throttling window and are dropped.
ATTEMPTS_KEPT = timedelta(days=1)
# The wait after the first failure beyond an allowance's free ones; each further one doubles it.
FIRST_WAIT = timedelta(seconds=30)
DEVICE_ID_LENGTH = LoginAttempt.__table__.c.device.type.length


@lru_cache
def _unknown_user_hash() -> str:
    """Checked against when the username is unknown, so a wrong name costs as long as a wrong
    password and timing does not reveal which accounts exist."""
    return hash_password(new_token())


@dataclass
class LoginRefused(Exception):
    """A msgid with its values; ``retry_after`` is set when the caller is throttled."""

    message: str
    retry_after: timedelta | None = None

    @property
    def values(self) -> dict[str, int]:
        if self.retry_after is None:
            return {}
        return {"minutes": max(1, round(self.retry_after.total_seconds() / 60))}


def authenticate(
    session: Session, username: str, password: str, address: str, device: str | None = None
) -> User:
    """The active user with these credentials, or LoginRefused (wrong, or throttled).
    ``device``: the device token the caller kept from an earlier sign-in, if any."""
    username = username.strip().lower()
    # A longer name is no account's; attempts are logged with what the column holds (PostgreSQL
    # refuses more, where SQLite would keep it).
    logged = username[:USERNAME_LENGTH]
    user = session.exec(select(User).where(User.username == username)).first()
    phone = _device_id(device, user)
    wait = _throttle_wait(session, logged, address, phone)
    if wait is not None:
        audit.record(session, "login_throttled", username=logged, address=address)
        session.commit()
        raise LoginRefused(N_("Too many failed attempts. Try again in %(minutes)s minutes."), wait)
    valid = verify_password(password, user.password_hash if user else _unknown_user_hash())
    ok = bool(user and valid and user.is_active)
    now = clock.now()
    session.exec(delete(LoginAttempt).where(LoginAttempt.at < now - ATTEMPTS_KEPT))
    attempt = LoginAttempt(username=logged, address=address, at=now, succeeded=ok, device=phone)
    session.add(attempt)
    audit.record(
        session, "login" if ok else "login_failed", user=user, username=logged, address=address
    )
    session.commit()
    if not ok:
        raise LoginRefused(N_("Wrong username or password."))
    return user


def device_token(user: User, kept: str | None) -> str:
    """The signed token a phone keeps after signing in: the one it sent if it is this
    account's (the phone keeps its allowance), else a new one."""
    phone = _device_id(kept, user) or new_token()[:DEVICE_ID_LENGTH]
    return sign(f"{user.id}:{phone}", "device")


def _device_id(token: str | None, user: User | None) -> str | None:
    """The phone's id in a device token, when the token is genuine and the account's."""
    owner, _, phone = (unsign(token, "device") or "").partition(":")
    return phone if user is not None and owner == str(user.id) and phone else None


def _allowance(free_failures: int) -> Allowance:
    longest = timedelta(minutes=get_settings().login_longest_wait_minutes)
    return Allowance(free_failures, FIRST_WAIT, longest, ATTEMPTS_KEPT)


def _throttle_wait(
    session: Session, username: str, address: str, device: str | None
) -> timedelta | None:
    """A phone with its device token waits on its own failures since it last signed in;
    attempts without one on those of every caller without one, to the account and from the
    address."""
    settings, now = get_settings(), clock.now()
    kept = select(LoginAttempt.at, LoginAttempt.succeeded).where(
        LoginAttempt.at > now - ATTEMPTS_KEPT
    )
    if device is not None:
        attempts = session.exec(kept.where(LoginAttempt.device == device)).all()
        allowance = _allowance(settings.login_max_failures_per_account)
        return wait_before_next_try(failures_since_success(attempts), allowance, now)
    shared = kept.where(col(LoginAttempt.device).is_(None), col(LoginAttempt.succeeded).is_(False))
    by_account = session.exec(shared.where(LoginAttempt.username == username)).all()
    by_address = session.exec(shared.where(LoginAttempt.address == address)).all()
    waits = [
        wait_before_next_try(
            [at for at, _ in by_account], _allowance(settings.login_max_failures_per_account), now
        ),
        wait_before_next_try(
            [at for at, _ in by_address], _allowance(settings.login_max_failures_per_address), now
        ),
    ]
    pending = [w for w in waits if w is not None]
    return max(pending) if pending else None


def slowed_sign_ins(session: Session, users: Iterable[User]) -> set[int]:
    """The users whose failed sign-ins (from any phone or address) make the next failure
    wait: the locks a lead or an admin may clear."""
    names = {user.username: user.id for user in users}
    now = clock.now()
    # A day's failures (older ones are deleted), matched here: a city's user names are too many
    # to send as query parameters.
    failures = session.exec(
        select(LoginAttempt.username, LoginAttempt.at).where(
            LoginAttempt.at > now - ATTEMPTS_KEPT, col(LoginAttempt.succeeded).is_(False)
        )
    ).all()
    allowance = _allowance(get_settings().login_max_failures_per_account)
    return {
        user_id
        for name, user_id in names.items()
        if allowance.used_up([at for who, at in failures if who == name], now)
    }


def clear_sign_in_lock(session: Session, account: User, *, by: User) -> None:
    """Forget the account's failed sign-ins, so its next try is not made to wait (the audit
    keeps every one of them)."""
    cleared = session.exec(
        delete(LoginAttempt).where(
            LoginAttempt.username == account.username, col(LoginAttempt.succeeded).is_(False)
        )
    )
    audit.record(
        session,
        "login_lock_cleared",
        user=by,
        target=f"user:{account.id}",
        failures=cleared.rowcount,
    )
    session.commit()


def open_session(session: Session, user: User, kind: SessionKind) -> tuple[str, AuthSession]:
    """A new session or API token for the user; returns the secret, which is shown only once."""
    settings = get_settings()
    now = clock.now()
    lifetime = (
        timedelta(hours=settings.session_max_hours)
        if kind == SessionKind.web
        else timedelta(hours=settings.token_hours)
    )
    token = new_token()
    session.exec(delete(AuthSession).where(AuthSession.expires_at < now))
    auth_session = AuthSession(
        token_hash=token_digest(token),
        kind=kind,
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    session.add(auth_session)
    session.commit()
    return token, auth_session


def resolve_session(session: Session, token: str | None, kind: SessionKind) -> User | None:
    """The active user behind a token, or None when it is unknown, idle too long or expired."""
    found = find_session(session, token, kind)
    return settle_session(session, found, session_state(found, kind))


def find_session(
    session: Session, token: str | None, kind: SessionKind
) -> tuple[User, AuthSession] | None:
    """A token's session and its user, read together in one query (it runs on every request);
    nothing is written."""
    if not token:
        return None
    params = {"token_hash": token_digest(token), "kind": kind}
    return session.exec(_session_with_user(), params=params).first()


class SessionState(Enum):
    unknown = "unknown"
    live = "live"
    due_touch = "due_touch"  # live, last seen over a minute ago
    ended = "ended"  # idle too long or past its lifetime: deleted when next seen

    @property
    def writes(self) -> bool:
        """Whether settling the session writes (at most once a minute per session): a caller on
        the event loop does it in a worker thread, since a write may wait for another writer's
        lock."""
        return self in (SessionState.due_touch, SessionState.ended)


def session_state(found: tuple[User, AuthSession] | None, kind: SessionKind) -> SessionState:
    if found is None:
        return SessionState.unknown
    auth_session, now = found[1], clock.now()
    idle_limit = timedelta(minutes=get_settings().session_idle_minutes)
    idle = kind == SessionKind.web and now - auth_session.last_seen_at > idle_limit
    if idle or now >= auth_session.expires_at:
        return SessionState.ended
    if now - auth_session.last_seen_at > timedelta(minutes=1):
        return SessionState.due_touch
    return SessionState.live


def settle_session(
    session: Session, found: tuple[User, AuthSession] | None, state: SessionState
) -> User | None:
    """The active user of a session find_session found, in the state session_state found it:
    an ended session is deleted, a live one touched at most once a minute (a write on every
    request would serialise SQLite)."""
    if found is None:
        return None
    user, auth_session = found
    if state == SessionState.ended:
        session.delete(auth_session)
        session.commit()
        return None
    if not user.is_active:
        return None
    if state == SessionState.due_touch:
        auth_session.last_seen_at = clock.now()
        session.add(auth_session)
        session.commit()
    return user


@cache
def _session_with_user():
    """Built once: it runs on every request."""
    return (
        select(User, AuthSession)
        .join(AuthSession, col(AuthSession.user_id) == User.id)
        .where(
            AuthSession.token_hash == bindparam("token_hash"),
            AuthSession.kind == bindparam("kind"),
        )
    )


def close_session(session: Session, token: str | None) -> None:
    """Sign out: the session ends on the server, and the audit says who left."""
    if not token:
        return
    auth_session = session.exec(
        select(AuthSession).where(AuthSession.token_hash == token_digest(token))
    ).first()
    if auth_session is None:
        return
    user = session.get(User, auth_session.user_id)
    session.delete(auth_session)
    audit.record(session, "logout", user=user, target=f"user:{auth_session.user_id}")
    session.commit()


def close_all_sessions(session: Session, user: User) -> None:
    session.exec(delete(AuthSession).where(AuthSession.user_id == user.id))

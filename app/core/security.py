"""Password hashing (argon2id), opaque tokens and signed cookies."""

import hashlib
import hmac
import secrets

from itsdangerous import BadSignature, Signer
from pwdlib import PasswordHash

from app.core.config import get_settings

_hasher = PasswordHash.recommended()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _hasher.verify(password, password_hash)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database keeps of a session token: a leaked table opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_match(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(given, expected)


def _signer(purpose: str) -> Signer:
    return Signer(get_settings().secret_key, salt=f"vanguard.{purpose}")


def sign(value: str, purpose: str) -> str:
    return _signer(purpose).sign(value).decode()


def unsign(signed: str | None, purpose: str) -> str | None:
    if not signed:
        return None
    try:
        return _signer(purpose).unsign(signed).decode()
    except BadSignature:
        return None

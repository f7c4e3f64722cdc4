"""ID numbers at rest: encrypted (Fernet, AES with HMAC) and, for exact lookup and de-duplication,
a keyed hash (blind index). Both keys are derived from VANGUARD_ID_KEY, kept apart from the
session secret so that one leaking does not expose the other."""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core.config import get_settings


def _derive(id_key: str, purpose: bytes) -> bytes:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"vanguard " + purpose)
    return kdf.derive(id_key.encode())


@lru_cache
def _keys(id_key: str) -> tuple[Fernet, bytes]:
    """The cipher and the index key, cached per key so a changed setting takes effect."""
    fernet = Fernet(base64.urlsafe_b64encode(_derive(id_key, b"id-number encryption")))
    return fernet, _derive(id_key, b"id-number index")


def _current_keys() -> tuple[Fernet, bytes]:
    return _keys(get_settings().id_key)


def encrypt(value: str) -> str:
    return encrypt_bytes(value.encode()).decode()


def decrypt(token: str) -> str:
    return decrypt_bytes(token.encode()).decode()


def encrypt_bytes(value: bytes) -> bytes:
    return _current_keys()[0].encrypt(value)


def decrypt_bytes(token: bytes) -> bytes:
    return _current_keys()[0].decrypt(token)


def blind_index(value: str) -> str:
    return hmac.digest(_current_keys()[1], value.encode(), hashlib.sha256).hex()

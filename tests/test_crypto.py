"""ID numbers at rest: encrypted, indexed by a keyed hash, unreadable without the key."""

from app.core import crypto
from app.core.config import get_settings
from tests.factories import id_number


def test_encryption_round_trips_and_hides_the_number(database_url):
    number = id_number()
    token = crypto.encrypt(number)
    assert number not in token
    assert crypto.decrypt(token) == number
    assert crypto.encrypt(number) != token, "each encryption is randomised"


def test_the_blind_index_finds_equal_numbers_and_depends_on_the_key(database_url, monkeypatch):
    number = id_number()
    index = crypto.blind_index(number)
    assert crypto.blind_index(number) == index
    assert crypto.blind_index(id_number(order=125)) != index
    monkeypatch.setenv("VANGUARD_ID_KEY", "another-key")
    get_settings.cache_clear()
    assert crypto.blind_index(number) != index

"""What a new password must be: long enough, and not among those tried first by anyone guessing
(common ones, straight runs and repeats, the username, the app's own name). No rules about
character classes: a few unrelated words make a better password than P@ssw0rd1."""

from functools import lru_cache
from pathlib import Path

from app.core.i18n import N_

MIN_LENGTH = 10
COMMON_PASSWORDS = Path(__file__).resolve().parents[1] / "data" / "common_passwords.txt"
# Words of this app and its place that a guesser tries first (with digits around them).
APP_WORDS = frozenset(
    {"vanguard", "xianfeng", "xianfengdui", "shebao", "yanglao", "yuxi", "yuxishi", "hongta"}
)
RUNS = (
    "0123456789012345678901234567890",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
)
# Characters a guesser adds around a common word, and the digits people write for letters.
PADDING = "0123456789!@#$%^&*()_+-=.,?~ "
LEET = str.maketrans("0134578@$", "oieastbas")

TOO_SHORT = N_("At least 10 characters.")
HAS_USERNAME = N_("A password must not contain the username.")
TOO_EASY = N_(
    "This password is among the first anyone would try. Choose another, such as a few "
    "unrelated words."
)


@lru_cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip()[:1] not in ("", "#"))


def password_problem(password: str, username: str = "") -> str | None:
    """The msgid that says what is wrong with a new password, or None when it will do."""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    lowered = password.lower()
    username = username.strip().lower()
    if len(username) >= 3 and username in lowered:
        return HAS_USERNAME
    if is_guessable(lowered):
        return TOO_EASY
    return None


def is_guessable(lowered: str) -> bool:
    """Common, a common word or the app's name padded with digits and symbols (also written
    with 0 for o and the like), a straight run along the alphabet or keyboard, or a repeat."""
    common = common_passwords()
    core = lowered.strip(PADDING).translate(LEET)
    return (
        lowered in common
        or core in common
        or core in APP_WORDS
        or any(lowered in run or lowered in run[::-1] for run in RUNS)
        or _repeats(lowered)
    )


def _repeats(text: str) -> bool:
    """A short piece said again and again (aaaaaaaaaa, abcabcabca, 1212121212), or hardly
    more than three different characters."""
    return any(text == (text[:size] * len(text))[: len(text)] for size in range(1, 5)) or (
        len(set(text)) < 4
    )

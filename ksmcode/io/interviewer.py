"""Which speaker labels belong to the interviewer."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Labels that name the interviewer and nobody else, in Indonesian and English. Deliberately not
# included: "P" (Peneliti, or Pak?), "I" (Interviewer, or Informan?), "T"/"J" (Tanya/Jawab, but
# also initials) and "Tanya" (also a name): pass them with ``interviewer=`` or in metadata.
DEFAULT_INTERVIEWER_LABELS: tuple[str, ...] = (
    "Peneliti",
    "Pewawancara",
    "Penanya",
    "Fasilitator",
    "Moderator",
    "Interviewer",
    "Researcher",
    "Facilitator",
    "Q",
)

_SUFFIX = re.compile(r"\s*(?:\([^()]*\))?\s*\d*\s*$")


def is_interviewer(speaker: str | None, labels: Iterable[str]) -> bool:
    """True if the speaker matches one of the labels, ignoring case, surrounding whitespace and
    a trailing number or parenthesis (``Peneliti 2`` and ``Peneliti (Ani)`` match ``Peneliti``).

    >>> is_interviewer("peneliti 2", DEFAULT_INTERVIEWER_LABELS)
    True
    """
    if not speaker:
        return False
    wanted = {" ".join(label.split()).casefold() for label in labels}
    name = " ".join(speaker.split()).casefold()
    return name in wanted or _SUFFIX.sub("", name) in wanted

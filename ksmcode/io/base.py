"""What every transcript reader returns, and the reader signature."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple

from ksmcode.model import Turn

if TYPE_CHECKING:
    from ksmcode.location import Location


class ReadResult(NamedTuple):
    """A file turned into plain text (LF line ends), speaker turns as spans into that text,
    its front matter (``{}`` for formats without one) and the text encoding that was used."""

    text: str
    turns: tuple[Turn, ...]
    front_matter: dict[str, Any]
    encoding: str = "utf-8"


Reader = Callable[["Location"], ReadResult]


def join_turns(
    entries: Iterable[tuple[str | None, str, str | None]],
) -> tuple[str, tuple[Turn, ...]]:
    """Build a document text, one ``Speaker: speech`` line per (speaker, speech, timestamp)
    entry (just the speech when the speaker is None), and turns spanning each speech.

    Speeches must be non-empty and stripped.
    """
    lines: list[str] = []
    turns: list[Turn] = []
    offset = 0
    for speaker, speech, timestamp in entries:
        prefix = f"{speaker}: " if speaker else ""
        begin = offset + len(prefix)
        turns.append(Turn(begin, begin + len(speech), speaker=speaker, timestamp=timestamp))
        lines.append(prefix + speech)
        offset += len(prefix) + len(speech) + 1
    return ("\n".join(lines) + "\n" if lines else ""), tuple(turns)

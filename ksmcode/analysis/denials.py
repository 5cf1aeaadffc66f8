"""Denials: negated evidence whose negation is about the code's own words.

The engine marks evidence negated when a cue stands near it (NegEx). That is right for
coding but too loose to quote a passage as *denying* a code: in "got nggak meluap lagi" (the
drain no longer overflows) the cue negates the verb, not the drain, and "jangan nolak" (don't
refuse, said while handing over a gift) is a request, not a report that something is absent.
A piece of negated evidence is a denial when its negation covers it:

* the cue stands before the evidence with only light words between them ("tidak ada
  pemutusan hubungan", "nggak pernah dilepas", "there was never any training"), and the cue
  is not a prohibition ("jangan"); or
* the cue follows the evidence and says that it does not exist ("terminasinya belum ada").
"""

from __future__ import annotations

import re

import pandas as pd

from ksmcode.flags import flags
from ksmcode.matching.negation import POST_WINDOW, PRE_WINDOW

# Words that may stand between a cue and the words it negates without changing what is negated.
LIGHT = {
    "ada", "pernah", "sempat", "yang", "juga", "sama", "sekali", "pula", "tuh", "sih", "kok",
    "pun", "there", "is", "was", "were", "are", "be", "been", "ever", "any", "a", "an", "the",
    "have", "has", "had", "do", "does", "did", "get", "got", "yet", "really", "even",
}  # fmt: skip
EXISTENCE = {"ada", "exist", "exists", "existed", "available"}
PROHIBITIVE = {"jangan"}
_WORD = re.compile(r"\w+(?:'\w+)?")
COLUMNS = ["segment_id", "code", "start", "end", "matched", "cue"]


def _is_cue(word: str, cue: str) -> bool:
    return word == cue or (cue == "n't" and word.endswith("n't"))


def covers(text: str, start: int, end: int, cue: str) -> bool:
    """Does the negation cue ``cue`` cover the evidence ``text[start:end]``?"""
    cue = cue.casefold()
    if cue in PROHIBITIVE:
        return False
    words = [(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(text)]
    before = [w for s, e, w in words if e <= start][-PRE_WINDOW:]
    for i in range(len(before) - 1, -1, -1):
        if _is_cue(before[i], cue):
            return all(w in LIGHT for w in before[i + 1 :])
    after = [w for s, e, w in words if s >= end][: POST_WINDOW + 1]
    for i, word in enumerate(after[:POST_WINDOW]):
        if _is_cue(word, cue):
            light = all(w in LIGHT for w in after[:i])
            return light and i + 1 < len(after) and after[i + 1] in EXISTENCE
    return False


def denials(evidence: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """The pieces of negated evidence that deny their code (see the module docstring).

    Columns: segment_id, code, start, end (document offsets), matched, cue.
    """
    if evidence.empty:
        return pd.DataFrame(columns=COLUMNS)
    negated = evidence[flags(evidence["negated"])]
    unit = units.set_index("segment_id")[["start", "text"]]
    keep = []
    for row in negated.itertuples(index=False):
        if row.segment_id not in unit.index:
            keep.append(False)
            continue
        offset, text = unit.at[row.segment_id, "start"], str(unit.at[row.segment_id, "text"])
        keep.append(
            covers(text, int(row.start) - int(offset), int(row.end) - int(offset), str(row.cue))
        )
    return negated[keep][COLUMNS].reset_index(drop=True)

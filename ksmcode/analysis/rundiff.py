"""What changed between two runs: codings that appear or disappear, per code and per rule."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ksmcode.analysis.frame import Coding
from ksmcode.analysis.triangulation import trim_text
from ksmcode.errors import AnalysisError


@dataclass(frozen=True)
class RunDiff:
    """``codings``: one row per (unit, code) that changed (``change``: added, removed, now
    negated, no longer negated) with the evidence before and after; ``codes``: units per code
    in each run, added, removed; ``rules``: the rules whose units changed, with their units in
    each run, added, removed."""

    codings: pd.DataFrame
    codes: pd.DataFrame
    rules: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"codings": self.codings, "codes": self.codes, "rules": self.rules}


def diff_runs(old: Coding, new: Coding) -> RunDiff:
    """Compare two codings of the same transcripts (e.g. before and after a codebook edit).

    Rules are matched by code, kind and keyword (a keyword keeps its identity when others
    are inserted before it); proximity rules and patterns by rule id.

    Example::

        diff_runs(load_coding("out_before"), load_coding("out")).codes
    """
    if set(old.units["segment_id"]) != set(new.units["segment_id"]):
        raise AnalysisError(
            "the two runs have different units (other transcripts or another --unit); "
            "diff compares two codings of the same transcripts"
        )
    codes = list(dict.fromkeys([*old.code_ids, *new.code_ids]))
    return RunDiff(_codings(old, new), _codes(old, new, codes), _rules(old, new))


def _codings(old: Coding, new: Coding) -> pd.DataFrame:
    keys = ["segment_id", "code"]
    before = old.segments[[*keys, "negated", "evidence"]]
    after = new.segments[[*keys, "negated", "evidence", "speaker", "text"]]
    both = before.merge(after, on=keys, how="outer", suffixes=("_old", "_new"), indicator=True)
    change = both["_merge"].map({"left_only": "removed", "right_only": "added", "both": ""})
    flipped = (both["_merge"] == "both") & (both["negated_old"] != both["negated_new"])
    change = change.where(
        ~flipped, both["negated_new"].map({True: "now negated", False: "no longer negated"})
    )
    texts = new.units.set_index("segment_id")["text"]
    table = both.assign(change=change, text=both["segment_id"].map(texts).map(trim_text))
    columns = ["segment_id", "code", "change", "evidence_old", "evidence_new", "text"]
    changed = table[table["change"] != ""][columns].fillna("")
    return changed.sort_values(keys, kind="stable").reset_index(drop=True)


def _codes(old: Coding, new: Coding, codes: list[str]) -> pd.DataFrame:
    rows = []
    for code in codes:
        before = _units(old.segments, code)
        after = _units(new.segments, code)
        rows.append([code, len(before), len(after), len(after - before), len(before - after)])
    return pd.DataFrame(rows, columns=["code", "units_old", "units_new", "added", "removed"])


def _units(segments: pd.DataFrame, code: str) -> set[str]:
    return set(segments.loc[segments["code"] == code, "segment_id"])


def _rules(old: Coding, new: Coding) -> pd.DataFrame:
    units = {}
    for name, coding in (("old", old), ("new", new)):
        evidence = coding.evidence.assign(key=_rule_key(coding.evidence))
        units[name] = evidence.groupby(["code", "rule", "key"])["segment_id"].agg(set)
        units[f"{name}_ids"] = evidence.groupby(["code", "rule", "key"])["rule_id"].first()
    index = units["old"].index.union(units["new"].index)
    rows = []
    for code, kind, key in index:
        before = units["old"].get((code, kind, key), set())
        after = units["new"].get((code, kind, key), set())
        if before == after:
            continue
        rows.append([code, kind, key, units["old_ids"].get((code, kind, key), ""),
                     units["new_ids"].get((code, kind, key), ""), len(before), len(after),
                     len(after - before), len(before - after)])  # fmt: skip
    columns = ["code", "kind", "rule", "rule_id_old", "rule_id_new", "units_old", "units_new",
               "added", "removed"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _rule_key(evidence: pd.DataFrame) -> pd.Series:
    """The term for keywords and patterns, the rule id for proximity rules."""
    return evidence["term"].where(evidence["rule"] != "near", evidence["rule_id"])

"""Codebook statistics: what every rule did in a run, and where the codebook needs work.

Read from a run folder (evidence and suppressed evidence carry rule ids), optionally with a
human coding of the same units, so that each rule's precision (how many of the units it coded
the human coded too) and each code's misses can be shown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pandas as pd

from ksmcode.analysis.frame import Coding
from ksmcode.codebook.model import Codebook
from ksmcode.errors import AnalysisError

RULE_COLUMNS = ["rule_id", "code", "kind", "rule", "language", "line", "hits", "units",
                "sole_units", "negated_share", "suppressed"]  # fmt: skip
GOLD_RULE_COLUMNS = ["correct", "wrong", "precision"]


@dataclass(frozen=True)
class CodebookStats:
    """The tables of ``codebook_stats`` (see its docstring for their columns)."""

    rules: pd.DataFrame
    codes: pd.DataFrame
    pairs: pd.DataFrame
    suppression: pd.DataFrame
    uncoded: pd.DataFrame
    warnings: tuple[str, ...] = ()

    @property
    def never_fired(self) -> pd.DataFrame:
        """Rules with no evidence and no suppressed evidence in the run."""
        unused = (self.rules["hits"] == 0) & (self.rules["suppressed"] == 0)
        return self.rules.loc[unused, ["rule_id", "code", "kind", "rule", "language", "line"]]

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "rules": self.rules,
            "never_fired": self.never_fired,
            "codes": self.codes,
            "pairs": self.pairs,
            "suppression": self.suppression,
            "uncoded": self.uncoded,
        }


def codebook_stats(
    coding: Coding,
    codebook: Codebook,
    gold: pd.DataFrame | None = None,
    *,
    broad: float = 0.5,
    overlap: float = 0.8,
    min_units: int = 3,
) -> CodebookStats:
    """Per-rule and per-code statistics of a run, and its diagnostics.

    ``gold`` is a human coding aligned with the run's units (``align_coding``). Tables:

    - ``rules``: one row per rule of ``codebook``, fired or not: ``hits`` (pieces of evidence;
      for an exclude rule, the evidence it vetoed), ``units`` (units the rule gave evidence
      in, i.e. coded because of it), ``sole_units`` (units whose code rests on this rule
      alone), ``negated_share``, ``suppressed`` (its evidence that a filter discarded); with
      ``gold`` also ``correct``, ``wrong`` and ``precision`` over the units the gold covers
      (an exclude rule is correct where the human did not give the code it vetoed).
    - ``codes``: units per code, their share of all units, ``broad`` (share above ``broad``),
      rules and rules fired; with ``gold``: gold units, ``missed`` (gold units the run did not
      code), ``missed_near`` (of those, with evidence a filter suppressed) and
      ``missed_untouched`` (no rule of the code came near the unit).
    - ``pairs``: code pairs (each in at least ``min_units`` units) where at least ``overlap``
      of the rarer code's units carry the other code too.
    - ``suppression``: per code and filter (exclude, when_negated, yield_to, min_terms) the
      evidence it discarded, and the codings it prevented (units left without the code).
    - ``uncoded``: informant units with no code, longest first.

    Example::

        stats = codebook_stats(load_coding("out"), load_codebook("codebooks/ksm.yaml"))
        stats.never_fired
    """
    warnings = []
    suppressed = coding.suppressed
    if suppressed is None:
        warnings.append(
            "this run folder has no suppressed-evidence table (written before ksmcode recorded "
            "it); run 'ksmcode code' again to see what exclude / yield_to / min_terms suppressed"
        )
        suppressed = pd.DataFrame(columns=[*coding.evidence.columns, "reason", "detail"])
    recorded = coding.run.get("codebook", {}).get("sha256")
    if recorded and codebook.sha256 and recorded != codebook.sha256:
        warnings.append(
            f"the codebook {codebook.path} changed since the run; rule ids may not match, run "
            "'ksmcode code' again"
        )
    unknown = [c for c in codebook.code_ids if c not in coding.code_ids]
    if unknown:
        raise AnalysisError(
            f"the codebook has codes the run does not know ({', '.join(unknown)}); run "
            "'ksmcode code' again with it"
        )
    if gold is not None:
        missing = [c for c in codebook.code_ids if c not in gold.columns]
        if missing:
            raise AnalysisError(f"the human coding has no column for: {', '.join(missing)}")
    assigned = coding.units.set_index("segment_id")[list(coding.code_ids)].astype(int)
    return CodebookStats(
        rules=_rules(codebook, coding.evidence, suppressed, gold),
        codes=_codes(codebook, assigned, coding.evidence, suppressed, gold, broad),
        pairs=_pairs(assigned, overlap, min_units),
        suppression=_suppression(suppressed, assigned),
        uncoded=_uncoded(coding.units, assigned),
        warnings=tuple(warnings),
    )


def _rules(
    codebook: Codebook, evidence: pd.DataFrame, suppressed: pd.DataFrame, gold
) -> pd.DataFrame:
    grouped = evidence.groupby("rule_id")
    hits, units = grouped.size().to_dict(), grouped["segment_id"].nunique().to_dict()
    negated = grouped["negated"].mean().to_dict()
    per_unit = evidence.groupby(["segment_id", "code"])["rule_id"].agg(set)
    sole = Counter(next(iter(r)) for r in per_unit if len(r) == 1)
    vetoes = suppressed[suppressed["reason"] == "exclude"]
    vetoed = vetoes.groupby("detail")
    veto_hits, veto_units = vetoed.size().to_dict(), vetoed["segment_id"].nunique().to_dict()
    dropped = suppressed.groupby("rule_id").size().to_dict()
    rows = []
    for code in codebook.codes:
        for kind, rule in code.rules_by_kind:
            rid = rule.id
            if kind == "exclude":
                n, n_units = veto_hits.get(rid, 0), veto_units.get(rid, 0)
                negated_share, n_sole, n_dropped = float("nan"), 0, 0
            else:
                n, n_units = hits.get(rid, 0), units.get(rid, 0)
                negated_share = negated.get(rid, float("nan"))
                n_sole, n_dropped = sole.get(rid, 0), dropped.get(rid, 0)
            language = getattr(rule, "language", None) or "any"
            rows.append([rid, code.id, kind, rule.written, language, rule.line, int(n),
                         int(n_units), int(n_sole), negated_share, int(n_dropped)])  # fmt: skip
    table = pd.DataFrame(rows, columns=RULE_COLUMNS)
    table["line"] = table["line"].astype("Int64")
    if gold is None:
        return table
    by_rule = evidence.groupby("rule_id")["segment_id"].agg(set)
    by_veto = vetoes.groupby("detail")["segment_id"].agg(set)
    known = {code: gold[code].dropna().astype(int).to_dict() for code in codebook.code_ids}
    judged = []
    for row in table.itertuples():
        vetoing = row.kind == "exclude"
        segments = (by_veto if vetoing else by_rule).get(row.rule_id, set())
        values = [known[row.code][s] for s in segments if s in known[row.code]]
        correct = sum(v == (0 if vetoing else 1) for v in values)
        share = correct / len(values) if values else float("nan")
        judged.append([correct, len(values) - correct, share])
    return table.join(pd.DataFrame(judged, index=table.index, columns=GOLD_RULE_COLUMNS))


def _codes(codebook, assigned, evidence, suppressed, gold, broad: float) -> pd.DataFrame:
    fired = set(evidence["rule_id"]) | set(suppressed["rule_id"])
    total = max(len(assigned), 1)
    rows = []
    for code in codebook.codes:
        n = int(assigned[code.id].sum())
        ids = [r.id for kind, r in code.rules_by_kind if kind != "exclude"]
        row = {
            "code": code.id,
            "family": code.family,
            "units": n,
            "share": n / total,
            "broad": n / total > broad,
            "rules": len(ids),
            "rules_fired": sum(r in fired for r in ids),
        }
        if gold is not None:
            row.update(_misses(code.id, assigned, evidence, suppressed, gold))
        rows.append(row)
    return pd.DataFrame(rows)


def _misses(code: str, assigned, evidence, suppressed, gold) -> dict[str, int]:
    """Gold units of ``code`` the run missed, and how close the rules came."""
    positive = gold.index[gold[code].fillna(0).astype(int) == 1]
    missed = [s for s in positive if s in assigned.index and assigned.at[s, code] == 0]
    near = set(suppressed.loc[suppressed["code"] == code, "segment_id"])
    touched = near | set(evidence.loc[evidence["code"] == code, "segment_id"])
    return {
        "gold_units": len(positive),
        "missed": len(missed),
        "missed_near": sum(s in near for s in missed),
        "missed_untouched": sum(s not in touched for s in missed),
    }


def _pairs(assigned: pd.DataFrame, overlap: float, min_units: int) -> pd.DataFrame:
    counts = assigned.sum()
    rows = []
    for a, b in combinations(assigned.columns, 2):
        if counts[a] < min_units or counts[b] < min_units:
            continue
        both = int((assigned[a] & assigned[b]).sum())
        either = int((assigned[a] | assigned[b]).sum())
        share = both / min(counts[a], counts[b])
        if share >= overlap:
            rows.append([a, b, int(counts[a]), int(counts[b]), both, share, both / either])
    columns = ["code_a", "code_b", "units_a", "units_b", "both", "share_of_rarer", "jaccard"]
    return pd.DataFrame(rows, columns=columns).sort_values("share_of_rarer", ascending=False)


def _suppression(suppressed: pd.DataFrame, assigned: pd.DataFrame) -> pd.DataFrame:
    columns = ["code", "reason", "evidence", "units", "codings_prevented", "details"]
    if suppressed.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for (code, reason), part in suppressed.groupby(["code", "reason"], sort=True):
        units = set(part["segment_id"])
        prevented = sum(int(assigned.at[s, code]) == 0 for s in units if s in assigned.index)
        details = part["detail"].value_counts().head(5)
        shown = "; ".join(f"{d} ({n})" for d, n in details.items())
        rows.append([code, reason, len(part), len(units), prevented, shown])
    return pd.DataFrame(rows, columns=columns)


def _uncoded(units: pd.DataFrame, assigned: pd.DataFrame) -> pd.DataFrame:
    empty = units[units["segment_id"].map(assigned.sum(axis=1)).eq(0)]
    words = empty["text"].str.split().str.len()
    table = empty.assign(words=words)[["segment_id", "speaker", "words", "text"]]
    return table.sort_values("words", ascending=False, kind="stable").reset_index(drop=True)


def run_stats(
    out_dir: str | Path | None = None,
    *,
    coding_path: str | Path | None = None,
    codebook_path: str | Path | None = None,
    split_path: str | Path | None = None,
    part: str = "dev",
    broad: float = 0.5,
    overlap: float = 0.8,
) -> CodebookStats:
    """``codebook_stats`` of a run folder (see ``run_inputs``)."""
    coding, codebook, gold = run_inputs(out_dir, coding_path, codebook_path, split_path, part)
    return codebook_stats(coding, codebook, gold, broad=broad, overlap=overlap)


def run_inputs(
    out_dir: str | Path | None,
    coding_path: str | Path | None = None,
    codebook_path: str | Path | None = None,
    split_path: str | Path | None = None,
    part: str = "dev",
) -> tuple[Coding, Codebook, pd.DataFrame | None]:
    """A run folder's coding, the codebook named in its run.json (or ``codebook_path``) and,
    when ``coding_path`` is given, that human coding (.csv, .xlsx or .qdpx of one coder)
    aligned with the run's units; with a ``document,split`` table only the documents of
    ``part`` keep their human coding (tune on dev, never look at test)."""
    from ksmcode.analysis.codings import collect_codings
    from ksmcode.analysis.evaluation import read_split
    from ksmcode.analysis.frame import load_coding
    from ksmcode.codebook.load import load_codebook

    coding = load_coding(out_dir)
    path = codebook_path or coding.run.get("codebook", {}).get("path")
    if not path:
        raise AnalysisError("the run does not name its codebook; give --codebook")
    codebook = load_codebook(path)
    if coding_path is None:
        return coding, codebook, None
    coders = collect_codings([coding_path], coding.units, codes=coding.code_ids)
    if len(coders) != 1:
        raise AnalysisError(
            f"{coding_path}: has {len(coders)} coders ({', '.join(coders)}); "
            "give a coding of one coder"
        )
    human = next(iter(coders.values()))
    if split_path is not None:
        split = read_split(split_path)
        if part not in split.values():
            parts = ", ".join(dict.fromkeys(split.values()))
            raise AnalysisError(f"{split_path}: no part '{part}' (parts: {parts})")
        documents = coding.units.set_index("segment_id")["document"].reindex(human.index)
        human = human.copy()
        human.loc[documents.map(split).ne(part).to_numpy()] = pd.NA
    return coding, codebook, human

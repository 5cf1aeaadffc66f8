"""Pseudonymisation: a stage between reading and segmenting that replaces real names.

``build_name_map`` decides who is called what:

- every informant gets the ``pseudonym`` of their metadata (sources.csv or front matter), else
  the one in ``names.csv`` or an earlier map, else a stable one made from the role
  (``Resident 3``, ``Organiser 1``; ``Informant n`` without a role);
- every speaker label of a document belongs to its informant when the label's name is part of
  the informant's name or the document has only one (non-interviewer) speaker; other speakers
  are people of their own, named by the document's role;
- extra names (people mentioned but not interviewed, places that identify someone) come from
  ``names.csv`` (columns ``name`` and optional ``pseudonym``; ``Name n`` when empty).

``pseudonymise_corpus`` then returns a new Corpus whose texts, speaker labels, metadata and
document ids use the pseudonyms, with every turn's offsets recomputed for the new text. In the
text, a mapped name is replaced wherever it occurs, in any case, also before ``-nya``
(``Agusnya``); a part of an informant's name (``Setiawan`` of ``Agus Setiawan``) is replaced
after an honorific (Pak, Bu, Ibu, Bapak, Mas, Mbak, Bang, Mr, Mrs, Ms, Miss, Dr). The label at
the start of a turn's line is replaced by the speaker's pseudonym.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ksmcode.errors import ConfigError
from ksmcode.model import Corpus, Document, DocumentMeta

if TYPE_CHECKING:
    from ksmcode.workflow import CodeRequest

MAP_FILE = "pseudonyms.csv"
MAP_COLUMNS = ("name", "pseudonym", "kind", "document")
HONORIFICS = ("bapak", "pak", "ibu", "bu", "mas", "mbak", "bang", "mr", "mrs", "ms", "miss", "dr")
_HONORIFIC = rf"(?:{'|'.join(HONORIFICS)})\.?"
_LEADING_HONORIFICS = re.compile(rf"^(?:{_HONORIFIC}\s+)+", re.IGNORECASE)
_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
_AFTER = r"(?=(?:-?nya)?(?![^\W_]))"  # a word end, allowing the possessive -nya
_BEFORE = r"(?<![^\W_])"


@dataclass(frozen=True)
class NameMap:
    """Real names and the pseudonyms that replace them.

    ``names``: replaced wherever they occur; ``given``: parts of informants' names, replaced
    after an honorific; ``speakers``: (document id, speaker label) -> pseudonym;
    ``kinds``: what each entry of ``names`` is (informant, speaker or name), for the map file.
    """

    names: dict[str, str] = field(default_factory=dict)
    given: dict[str, str] = field(default_factory=dict)
    speakers: dict[tuple[str, str], str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[dict[str, str]]:
        """The map as rows of ``pseudonyms.csv`` (name, pseudonym, kind, document)."""
        rows = [
            {"name": n, "pseudonym": p, "kind": self.kinds.get(n, "name"), "document": ""}
            for n, p in self.names.items()
        ]
        rows += [
            {"name": n, "pseudonym": p, "kind": "given name", "document": ""}
            for n, p in self.given.items()
        ]
        rows += [
            {"name": label, "pseudonym": p, "kind": "speaker label", "document": doc}
            for (doc, label), p in self.speakers.items()
        ]
        return rows

    def pseudonyms(self) -> set[str]:
        return {*self.names.values(), *self.given.values(), *self.speakers.values()}


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def bare_name(label: str) -> tuple[str, bool]:
    """A speaker label without its parenthesis and honorifics, and whether it had one.

    >>> bare_name("Ibu Sri (Ketua KSM)")
    ('Sri', True)
    """
    core = _PAREN.sub("", label).strip()
    bare = _LEADING_HONORIFICS.sub("", core).strip()
    return (bare or core), bool(bare) and bare != core


class _Namer:
    """Hands out pseudonyms: chosen ones first, then ``<Role> n`` numbers nobody uses yet."""

    def __init__(self, chosen: Mapping[str, str], taken: Iterable[str]):
        self.chosen = {_fold(k): v for k, v in chosen.items() if v}
        self.taken = {_fold(p) for p in (*self.chosen.values(), *taken)}
        self.counters: Counter[str] = Counter()

    def name(self, real: str, prefix: str, explicit: str | None = None) -> str:
        pseudonym = explicit or self.chosen.get(_fold(real))
        while not pseudonym:
            self.counters[prefix] += 1
            candidate = f"{prefix} {self.counters[prefix]}"
            pseudonym = None if _fold(candidate) in self.taken else candidate
        self.taken.add(_fold(pseudonym))
        return pseudonym


def _role_prefix(role: str | None) -> str:
    role = " ".join((role or "").split())
    return role[:1].upper() + role[1:] if role else "Informant"


def _explicit(meta: DocumentMeta) -> str | None:
    value = next((v for k, v in meta.attributes.items() if str(k).casefold() == "pseudonym"), None)
    return " ".join(str(value).split()) or None if value is not None else None


def build_name_map(
    corpus: Corpus,
    names: Mapping[str, str | None] | None = None,
    previous: Mapping[str, str] | None = None,
) -> NameMap:
    """The name map of a corpus; ``names`` are extra names (name -> pseudonym or None) and
    ``previous`` an earlier map (name -> pseudonym), kept so pseudonyms stay stable.

    Example: ``build_name_map(load_corpus("transcripts"), {"Grenpul": "Kampung A"})``
    """
    names, previous = dict(names or {}), dict(previous or {})
    explicit = {
        d.meta.informant: p
        for d in corpus.documents
        if d.meta.informant and (p := _explicit(d.meta))
    }
    chosen = {**previous, **{k: v for k, v in names.items() if v}, **explicit}
    namer = _Namer(chosen, ())
    result = NameMap()
    by_fold: dict[str, str] = {}

    def add(name: str, pseudonym: str, kind: str) -> None:
        if name and _fold(name) not in by_fold:
            by_fold[_fold(name)] = pseudonym
            result.names[name] = pseudonym
            result.kinds[name] = kind

    for doc in corpus.documents:
        informant, prefix = doc.meta.informant, _role_prefix(doc.meta.role)
        pseudonym = None
        if informant:
            pseudonym = by_fold.get(_fold(informant)) or namer.name(
                informant, prefix, explicit.get(informant)
            )
            add(informant, pseudonym, "informant")
            for part in informant.split():
                if len(part) > 1 and part.isalpha() and part.istitle():
                    result.given.setdefault(part, pseudonym)
        tokens = {p.casefold() for p in (informant or "").split()}
        labels = list(
            dict.fromkeys(t.speaker for t in doc.turns if t.speaker and not t.is_interviewer)
        )
        for label in labels:
            bare, honorific = bare_name(label)
            own = {w.casefold() for w in bare.split()} <= tokens
            if pseudonym and (own or len(labels) == 1):
                speaker = pseudonym
            else:
                speaker = by_fold.get(_fold(bare)) or namer.name(bare, prefix)
            if honorific or own or not pseudonym:
                add(bare, speaker, "speaker")
            result.speakers[(doc.id, label)] = speaker
    for name, pseudonym in names.items():
        if name.strip():
            add(
                name.strip(),
                by_fold.get(_fold(name)) or namer.name(name, "Name", pseudonym),
                "name",
            )
    return result


def _name_pattern(names: Iterable[str]) -> str:
    escaped = (r"\s+".join(re.escape(w) for w in n.split()) for n in names if n.split())
    return "|".join(sorted(escaped, key=len, reverse=True))


@dataclass(frozen=True)
class _Replacer:
    """Finds the spans of a text to replace, and replaces them."""

    name_map: NameMap
    names: re.Pattern[str] | None
    given: re.Pattern[str] | None
    lookup: dict[str, str]

    @classmethod
    def of(cls, name_map: NameMap) -> _Replacer:
        names = _name_pattern(name_map.names)
        given = _name_pattern(name_map.given)
        lookup = {_fold(k): v for k, v in name_map.given.items()}
        lookup.update({_fold(k): v for k, v in name_map.names.items()})
        return cls(
            name_map,
            re.compile(f"{_BEFORE}(?:{names}){_AFTER}", re.IGNORECASE) if names else None,
            re.compile(rf"{_BEFORE}{_HONORIFIC}\s+(?P<g>{given}){_AFTER}", re.IGNORECASE)
            if given
            else None,
            lookup,
        )

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        found = []
        if self.names:
            found += [
                (m.start(), m.end(), self.lookup[_fold(m[0])]) for m in self.names.finditer(text)
            ]
        if self.given:
            found += [
                (m.start("g"), m.end("g"), self.lookup[_fold(m["g"])])
                for m in self.given.finditer(text)
            ]
        return found

    def text(self, text: str) -> str:
        return _apply(text, self.spans(text))[0]


def _apply(
    text: str, spans: Iterable[tuple[int, int, str]]
) -> tuple[str, Callable[[int, bool], int]]:
    """Replace non-overlapping spans (earliest, then longest, wins); return the new text and a
    function mapping an old offset to the new one (``end=True`` for span ends)."""
    parts, olds, news = [], [], []
    position = shift = 0
    for start, end, replacement in sorted(spans, key=lambda s: (s[0], s[0] - s[1])):
        if start < position:
            continue
        parts += [text[position:start], replacement]
        olds.append((start, end))
        news.append((start + shift, start + shift + len(replacement)))
        shift += len(replacement) - (end - start)
        position = end
    parts.append(text[position:])
    starts = [s for s, _ in olds]

    def move(offset: int, end: bool = False) -> int:
        i = bisect.bisect_right(starts, offset if not end else offset - 1) - 1
        if i < 0:
            return offset
        old_end, (new_start, new_end) = olds[i][1], news[i]
        if offset >= old_end:
            return new_end + offset - old_end
        return new_end if end else new_start

    return "".join(parts), move


def _label_spans(doc: Document, speakers: Mapping[tuple[str, str], str]) -> list:
    """The speaker labels at the start of each labelled turn's line, with their pseudonyms."""
    spans = []
    for turn in doc.turns:
        pseudonym = speakers.get((doc.id, turn.speaker or ""))
        if not pseudonym:
            continue
        line = doc.text.rfind("\n", 0, turn.start) + 1
        words = _PAREN.sub("", turn.speaker or "").split()
        label = r"[ \t]+".join(re.escape(w) for w in words)
        m = re.search(rf"{label}(?:[ \t]*\([^()\n]*\))?", doc.text[line : turn.start])
        if m:
            spans.append((line + m.start(), line + m.end(), pseudonym))
    return spans


def pseudonymise_document(
    doc: Document, name_map: NameMap, replacer: _Replacer | None = None
) -> Document:
    """``doc`` with pseudonyms for names in its text, speakers, metadata and id."""
    replacer = replacer or _Replacer.of(name_map)
    text, move = _apply(
        doc.text, [*_label_spans(doc, name_map.speakers), *replacer.spans(doc.text)]
    )
    turns = tuple(
        dataclasses.replace(
            t,
            start=move(t.start, False),
            end=move(t.end, True),
            speaker=name_map.speakers.get((doc.id, t.speaker), replacer.text(t.speaker))
            if t.speaker
            else None,
        )
        for t in doc.turns
    )
    meta = doc.meta
    informant = name_map.names.get(meta.informant or "") or (
        replacer.text(meta.informant) if meta.informant else None
    )
    attributes = {
        k: replacer.text(v) if isinstance(v, str) else v
        for k, v in meta.attributes.items()
        if str(k).casefold() != "pseudonym"
    }
    meta = dataclasses.replace(
        meta,
        informant=informant,
        interviewer=tuple(replacer.text(label) for label in meta.interviewer),
        attributes=attributes,
    )
    return dataclasses.replace(doc, id=replacer.text(doc.id), text=text, turns=turns, meta=meta)


def pseudonymise_corpus(corpus: Corpus, name_map: NameMap) -> Corpus:
    """A new Corpus whose texts, turns, speakers, metadata, ids and warnings use pseudonyms;
    every offset refers to the pseudonymised text.

    Example: ``pseudonymise_corpus(corpus, build_name_map(corpus)).documents[0].text``
    """
    replacer = _Replacer.of(name_map)
    documents = tuple(pseudonymise_document(d, name_map, replacer) for d in corpus.documents)
    ids = Counter(d.id for d in documents)
    if clash := next((i for i, n in ids.items() if n > 1), None):
        raise ConfigError(
            f"two documents get the id '{clash}' after pseudonymisation; rename a transcript "
            "file or give the documents an 'id'"
        )
    warnings = tuple(replacer.text(w) for w in corpus.warnings)
    return Corpus(corpus.root, documents, warnings)


def read_names(path: str | Path) -> dict[str, str | None]:
    """A names table (.csv or .xlsx; ``name`` and optional ``pseudonym`` columns) as
    {name: pseudonym or None}. ``pseudonyms.csv`` written by an earlier run reads the same way."""
    from ksmcode.io.tables import cell_text, find_column, read_rows

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: names table not found; give a .csv with a 'name' column")
    header, rows, _ = read_rows(path)
    name_col = find_column(header, ("name", "nama"))
    if name_col is None:
        raise ConfigError(
            f"{path}: no 'name' column; columns are: {', '.join(header)}. Give one real name "
            "per row in a 'name' column and, optionally, its 'pseudonym'"
        )
    pseudo_col = find_column(header, ("pseudonym", "pseudonim", "alias"))
    kind_col = find_column(header, ("kind",))
    table: dict[str, str | None] = {}
    for row in rows:
        if cell_text(row, kind_col) in ("speaker label", "given name"):
            continue  # derived rows of a written map; rebuilt from the transcripts
        name = " ".join(cell_text(row, name_col).split())
        if name:
            table[name] = " ".join(cell_text(row, pseudo_col).split()) or None
    return table


def write_name_map(name_map: NameMap, path: str | Path) -> Path:
    """Write the map as CSV (name, pseudonym, kind, document), atomically."""
    import csv
    import io

    from ksmcode.export.atomic import write_bytes

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MAP_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(name_map.rows())
    return write_bytes(path, buffer.getvalue().encode("utf-8"))


def study_name_map(
    corpus: Corpus, *, map_path: str | Path, names: str | Path | None = None
) -> NameMap:
    """The name map of a study: ``names.csv`` and the earlier map at ``map_path`` (so the
    pseudonyms stay stable when transcripts are added) over generated pseudonyms."""
    map_path = Path(map_path)
    previous = read_names(map_path) if map_path.is_file() else {}
    extra = read_names(names) if names else {}
    return build_name_map(corpus, extra, {k: v for k, v in previous.items() if v})


def pseudonymise_study(
    corpus: Corpus, *, map_path: str | Path, out: str | Path, names: str | Path | None = None
) -> Corpus:
    """Pseudonymise a corpus with ``study_name_map`` and write the map to ``map_path``, which
    must lie outside the output folder ``out`` (the outputs are meant to be shared)."""
    map_path, out = Path(map_path), Path(out)
    if map_path.resolve().is_relative_to(out.resolve()):
        raise ConfigError(
            f"{map_path}: the name map would be written inside the output folder {out}, which "
            "is meant to be shared; choose another --out"
        )
    name_map = study_name_map(corpus, map_path=map_path, names=names)
    write_name_map(name_map, map_path)
    return pseudonymise_corpus(corpus, name_map)


@dataclass(frozen=True)
class Suggestion:
    """A name-like word left in the pseudonymised texts, for the researcher to check."""

    name: str
    kind: str  # "after an honorific" or "capitalised"
    count: int
    documents: tuple[str, ...]


_NAME_WORD = r"[A-Z][a-z][^\W\d_]*"
_AFTER_HONORIFIC = re.compile(
    rf"{_BEFORE}(?i:{'|'.join(HONORIFICS)})[ \t]+(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD})?)"
)
_CAPITALISED = re.compile(r"(?<![^\W_])[A-Z][a-z]+[^\W\d_]*(?![^\W_])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”(\[>-])\s*$")


def suggest_names(corpus: Corpus, name_map: NameMap) -> list[Suggestion]:
    """Name-like words in a pseudonymised corpus that the map does not cover: a capitalised
    word after an honorific (``Bu Sri``), and capitalised words inside a sentence that never
    occur in lower case in the corpus (``Grenpul``). Most frequent first."""
    words = {w.casefold() for p in name_map.pseudonyms() for w in p.split()}
    words.update(HONORIFICS)
    lower = {w for d in corpus.documents for w in re.findall(r"[^\W\d_]+", d.text) if w.islower()}
    found: dict[tuple[str, str], list[str]] = {}
    for doc in corpus.documents:
        for m in _AFTER_HONORIFIC.finditer(doc.text):
            name = m["name"].split()
            while name and (name[-1].casefold() in words or name[-1].lower() in lower):
                name.pop()
            if name and name[0].casefold() not in words and name[0].lower() not in lower:
                found.setdefault((" ".join(name), "after an honorific"), []).append(doc.id)
        for m in _CAPITALISED.finditer(doc.text):
            word = m[0]
            line_start = doc.text.rfind("\n", 0, m.start()) + 1
            if word.casefold() in words or word.lower() in lower or len(word) < 3:
                continue
            if _SENTENCE_START.search(doc.text[max(line_start, m.start() - 3) : m.start()]):
                continue
            found.setdefault((word, "capitalised"), []).append(doc.id)
    honorific = {w for name, kind in found if kind == "after an honorific" for w in name.split()}
    suggestions = [
        Suggestion(name, kind, len(docs), tuple(dict.fromkeys(docs)))
        for (name, kind), docs in found.items()
        if kind != "capitalised" or name not in honorific
    ]
    return sorted(suggestions, key=lambda s: (s.kind != "after an honorific", -s.count, s.name))


@dataclass(frozen=True)
class NameReview:
    """The name map of a study and the names it misses, as tables."""

    map: Any  # DataFrame: name, pseudonym, kind, document
    suggestions: Any  # DataFrame: name, kind, count, documents


def review_names(request: CodeRequest, *, write: bool = True) -> NameReview:
    """Read the study of ``request``, build its name map (written to ``request.name_map`` when
    ``write``) and list the name-like words the map does not cover.

    Example: ``review_names(CodeRequest.resolve(Path(".")), write=False).suggestions``
    """
    import pandas as pd

    from ksmcode.io import load_corpus

    corpus = load_corpus(
        request.transcripts,
        default_language=request.language,
        interviewer=request.interviewer or None,
        exclude=request.exclude,
    )
    name_map = study_name_map(corpus, map_path=request.name_map, names=request.names)
    if write:
        write_name_map(name_map, request.name_map)
    suggestions = suggest_names(pseudonymise_corpus(corpus, name_map), name_map)
    return NameReview(
        pd.DataFrame(name_map.rows(), columns=list(MAP_COLUMNS)),
        pd.DataFrame(
            [(s.name, s.kind, s.count, ", ".join(s.documents)) for s in suggestions],
            columns=["name", "kind", "count", "documents"],
        ),
    )

"""Load a YAML codebook into a validated ``Codebook``, reporting every problem at once."""

from __future__ import annotations

import copy
import difflib
import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from ksmcode.codebook.model import Code, Codebook, Family, Keyword, NearRule, Pattern
from ksmcode.codebook.schema import (
    NEEDS_TRAINED,
    TOKEN_ATTRS_BY_LANGUAGE,
    CodebookSpec,
    CodeSpec,
    Language,
    LanguageKey,
)
from ksmcode.errors import CodebookError, Problem
from ksmcode.location import locate
from ksmcode.yamlread import line_of, load_yaml, yaml_problem

if TYPE_CHECKING:
    from ksmcode.location import Location

PATTERN_VALUE_OPS = {
    "IN",
    "NOT_IN",
    "REGEX",
    "FUZZY",
    "INTERSECTS",
    "IS_SUBSET",
    "IS_SUPERSET",
    "==",
    "!=",
    ">=",
    "<=",
    ">",
    "<",
}
PATTERN_OPS = {"!", "?", "+", "*"}


def load_codebook(path: str | Location) -> Codebook:
    """Read and validate a YAML codebook.

    Raises ``CodebookError`` listing every problem (file, line, code id, hint).
    Non-fatal findings (e.g. one keyword under two codes) are in ``Codebook.warnings``.

    Example::

        codebook = load_codebook("codebooks/ksm.yaml")
        [c.id for c in codebook.codes][:2]  # ['stage.engagement', 'stage.assessment']
    """
    text, digest = read_codebook_text(path)
    codebook = parse_codebook(text, str(path))
    return replace(codebook, path=str(path), sha256=digest)


def read_codebook_text(path: str | Location) -> tuple[str, str]:
    """The codebook file's text and the sha256 of its bytes; CodebookError if unreadable."""
    path = locate(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CodebookError(
            f"{path}: codebook not found (give the path of a .yaml file, e.g. codebooks/ksm.yaml)"
        ) from None
    except OSError as exc:
        raise CodebookError(f"{path}: cannot read the codebook: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CodebookError(f"{path}: the codebook is not UTF-8 text; save it as UTF-8") from None
    return text, hashlib.sha256(raw).hexdigest()


def parse_codebook(text: str, path: str | Path = "<codebook>") -> Codebook:
    """Validate codebook YAML text (see ``load_codebook``)."""
    codebook, problems = inspect_codebook(text, path)
    if problems or codebook is None:
        raise CodebookError(f"{path}: the codebook has {len(problems)} problem(s).", problems)
    return codebook


def inspect_codebook(
    text: str, path: str | Path = "<codebook>"
) -> tuple[Codebook | None, list[Problem]]:
    """Every problem of codebook YAML text in one pass, in line order, and the codebook built
    from what is valid (None when the file is too broken to build one).

    A schema problem (an unknown key, a wrong value) does not hide the others: the offending
    key is set aside and the rest is checked for duplicates, references and bad terms.
    """
    root = read_yaml(text, path)
    if not isinstance(root, dict):
        raise CodebookError(
            f"{path}: a codebook is a YAML mapping with the keys 'codebook', 'families' and "
            "'codes'; see codebooks/ksm.yaml for an example"
        )
    spec, problems = _validate(root, path)
    codebook = None
    if spec is not None:
        builder = _Builder(spec, root, path)
        codebook = builder.build()
        problems += builder.problems
    problems.sort(key=lambda p: p.line or 0)
    return codebook, problems


def _validate(root: dict[Any, Any], path: str | Path) -> tuple[CodebookSpec | None, list[Problem]]:
    """Validate against the schema, setting aside each key that fails until the rest passes."""
    problems: list[Problem] = []
    current = copy.deepcopy(root)
    while True:
        try:
            return CodebookSpec.model_validate(current), problems
        except ValidationError as exc:
            errors = exc.errors()
        problems += [_pydantic_problem(err, root, path) for err in errors]
        if not all(_set_aside(current, tuple(err["loc"])) for err in errors):
            return None, problems


def _set_aside(root: dict[Any, Any], loc: tuple[Any, ...]) -> bool:
    """Delete the deepest optional key on ``loc``; False when only a required one is there."""
    node: Any = root
    deepest = None
    for k, step in enumerate(loc):
        if isinstance(node, dict) and step in node:
            deepest = (node, step, k)
        elif not (isinstance(node, list) and isinstance(step, int) and step < len(node)):
            break
        node = node[step]
    if deepest is None:
        return False
    container, key, k = deepest
    model = _model_at(loc[:k])
    if model is not None and key in model.model_fields and model.model_fields[key].is_required():
        return False
    del container[key]
    return True


def read_yaml(text: str, path: Path | str) -> Any:
    """Parse codebook YAML; raise CodebookError with the 1-based line of the problem."""
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        message, line = yaml_problem(exc)
        problem = Problem(message, path=path, line=None if line is None else line + 1)
        raise CodebookError(f"{path}: the codebook is not valid YAML.", [problem]) from None


def _pydantic_problem(err: Any, root: Any, path: str | Path) -> Problem:
    loc = tuple(err["loc"])
    code = _code_id_at(root, loc)
    where = ".".join(str(p) for p in loc)
    message = err["msg"]
    hint = None
    if err["type"] == "extra_forbidden":
        key = loc[-1]
        allowed = _allowed_keys(loc)
        close = difflib.get_close_matches(str(key), allowed, n=1)
        message = f"unknown key '{key}'"
        hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
    elif err["type"] == "string_pattern_mismatch" and "near" in loc:
        hint = "a rule id is letters, digits, '.', '_', '-' and '/', e.g. 'still-monitored'"
    elif err["type"] == "string_pattern_mismatch" and loc[-1] == "id":
        hint = "ids are letters, digits and underscores, dot-separated, e.g. 'stage.engagement'"
    elif err["type"] == "string_pattern_mismatch" and loc[-1] == "color":
        hint = "colours are '#rrggbb' or '#rgb'"
    elif err["type"] == "literal_error" and loc and loc[-1] in ("id", "en", "any"):
        hint = "languages are 'id' (Indonesian) and 'en' (English)"
    return Problem(f"{where}: {message}", path=path, line=line_of(root, loc), hint=hint, code=code)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    model = _model_at(loc[:-1])
    return sorted(model.model_fields) if model is not None else []


def _model_at(path: tuple[Any, ...]) -> Any:
    """The schema model of the mapping at ``path`` (list indices skipped), or None."""
    model: Any = CodebookSpec
    for step in path:
        if isinstance(step, int):
            continue
        field = model.model_fields.get(step)
        if field is None:
            return None
        inner = field.annotation
        for candidate in getattr(inner, "__args__", ()) or (inner,):
            if hasattr(candidate, "model_fields"):
                inner = candidate
        model = inner if hasattr(inner, "model_fields") else None
        if model is None:
            return None
    return model


def _code_id_at(root: Any, loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "codes" and isinstance(loc[1], int):
        codes = root.get("codes") if isinstance(root, dict) else None
        if isinstance(codes, list) and loc[1] < len(codes) and isinstance(codes[loc[1]], dict):
            value = codes[loc[1]].get("id")
            return str(value) if value is not None else None
    return None


def parse_keyword(term: str, language: str | None, line: int | None = None) -> Keyword:
    """Turn a codebook term into a Keyword: ``=word`` exact, ``pre*`` glob, else normalised."""
    text = " ".join(term.split())
    if text.startswith("="):
        return Keyword(text[1:].strip(), language, "exact", line)
    if "*" in text:
        return Keyword(text, language, "glob", line)
    return Keyword(text, language, "norm", line)


def keyword_problem(term: Any) -> str | None:
    """Why ``term`` cannot be a keyword, or None when it can."""
    if not isinstance(term, str) or not term.strip() or term.strip() in ("=", "*"):
        return "empty keyword"
    for token in term.lstrip("=").split():
        if "*" in token[:-1] or token == "*":
            return f"'*' may only end a word (as in 'pelatih*'), not stand in '{token}'"
    if term.startswith("=") and "*" in term:
        return "a keyword is either exact (=word) or a glob (word*), not both"
    return None


class _Builder:
    def __init__(self, spec: CodebookSpec, root: dict[Any, Any], path: str | Path):
        self.spec, self.root, self.path = spec, root, path
        self.problems: list[Problem] = []
        self.warnings: list[str] = []

    def problem(self, message: str, loc: tuple[Any, ...], code: str | None = None, hint=None):
        line = line_of(self.root, loc)
        self.problems.append(Problem(message, self.path, line, hint, code))

    def terms(self, spec: CodeSpec, key: str, i: int, block: Mapping[LanguageKey, list[str]]):
        out: list[Keyword] = []
        for lang, terms in block.items():
            for j, term in enumerate(terms):
                loc = ("codes", i, key, lang, j)
                error = keyword_problem(term)
                if error:
                    self.problem(f"{key}.{lang}[{j}]: {error}", loc, spec.id)
                    continue
                language = None if lang == "any" else lang
                out.append(parse_keyword(term, language, line_of(self.root, loc)))
        if key in ("keywords", "exclude"):
            kind = key.removesuffix("s")
            out = [replace(kw, id=f"{spec.id}/{kind}/{n}") for n, kw in enumerate(out, 1)]
        return tuple(out)

    def patterns(self, spec: CodeSpec, i: int) -> tuple[Pattern, ...]:
        out: list[Pattern] = []
        for lang, patterns in spec.patterns.items():
            for j, tokens in enumerate(patterns):
                loc = ("codes", i, "patterns", lang, j)
                errors = _pattern_problems(tokens, None if lang == "any" else lang)
                for error in errors:
                    hint = None
                    if "needs a trained pipeline" in error:
                        hint = "blank pipelines only tokenise; use LOWER, NORM or REGEX instead"
                    self.problem(f"patterns.{lang}[{j}]: {error}", loc, spec.id, hint)
                if not errors:
                    rule_id = f"{spec.id}/pattern/{len(out) + 1}"
                    language = None if lang == "any" else lang
                    out.append(Pattern(tuple(tokens), language, rule_id, line_of(self.root, loc)))
        return tuple(out)

    def near(self, spec: CodeSpec, i: int) -> tuple[NearRule, ...]:
        rules = []
        for j, rule in enumerate(spec.near):
            sides = []
            for side in ("a", "b"):
                sides.append(self.terms(spec, f"near[{j}].{side}", i, {"any": getattr(rule, side)}))
            rule_id = rule.id or rule.name or f"{spec.id}/near/{j + 1}"
            line = line_of(self.root, ("codes", i, "near", j))
            rules.append(NearRule(sides[0], sides[1], rule.window, rule.lang, rule_id, line))
        return tuple(rules)

    def build(self) -> Codebook:
        spec = self.spec
        families = tuple(
            Family(f.id, dict(f.label.items()), f.description, f.color) for f in spec.families
        )
        family_ids = [f.id for f in families]
        seen: dict[str, int] = {}
        code_ids = [c.id for c in spec.codes]
        codes = []
        for i, c in enumerate(spec.codes):
            if c.id in seen:
                self.problem(
                    f"duplicate code id (first defined as code #{seen[c.id] + 1})",
                    ("codes", i, "id"),
                    c.id,
                )
            seen.setdefault(c.id, i)
            family = self._family(c, i, family_ids, code_ids)
            for j, other in enumerate(c.yield_to):
                if other not in code_ids or other == c.id:
                    close = difflib.get_close_matches(other, code_ids, n=1)
                    hint = f"did you mean '{close[0]}'?" if close else None
                    what = "itself" if other == c.id else f"unknown code '{other}'"
                    self.problem(f"yield_to names {what}", ("codes", i, "yield_to", j), c.id, hint)
            codes.append(
                Code(
                    id=c.id,
                    family=family or "",
                    parent=c.parent,
                    labels=dict(c.label.items()),
                    definition=c.definition,
                    inclusion=c.inclusion,
                    exclusion=c.exclusion,
                    example=c.example,
                    color=c.color,
                    keywords=self.terms(c, "keywords", i, c.keywords),
                    patterns=self.patterns(c, i),
                    near=self.near(c, i),
                    exclude=self.terms(c, "exclude", i, c.exclude),
                    when_negated=c.when_negated,
                    yield_to=tuple(c.yield_to),
                    min_terms=c.min_terms,
                    line=line_of(self.root, ("codes", i)),
                )
            )
        self._check_rule_ids(codes)
        self._check_reachable(codes)
        self._warn_shared_keywords(codes)
        if not families:
            families = tuple(Family(fid) for fid in dict.fromkeys(c.family for c in codes))
        info = spec.codebook
        return Codebook(
            name=info.name,
            version=info.version,
            languages=tuple(info.languages),
            families=families,
            codes=tuple(codes),
            description=info.description,
            protect=tuple(w.lower() for w in info.protect),
            warnings=tuple(self.warnings),
        )

    def _family(self, c: CodeSpec, i: int, family_ids: list[str], code_ids: list[str]):
        if c.parent is not None and c.parent not in code_ids:
            others = [x for x in code_ids if x != c.id]
            close = difflib.get_close_matches(c.parent, others, n=1)
            hint = f"did you mean '{close[0]}'?" if close else None
            self.problem(f"unknown parent code '{c.parent}'", ("codes", i, "parent"), c.id, hint)
        family = _declared_family(self.spec.codes, i)
        if family is None:
            self.problem("no family", ("codes", i), c.id, "add 'family: <family id>'")
        elif family_ids and family not in family_ids:
            close = difflib.get_close_matches(family, family_ids, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"families: {', '.join(family_ids)}"
            self.problem(f"unknown family '{family}'", ("codes", i, "family"), c.id, hint)
        return family

    def _check_reachable(self, codes: list[Code]) -> None:
        """Codes and rules that can never give evidence; codes with no rules at all."""
        ruleless = [code.id for code in codes if not code.rule_count]
        if ruleless:
            self.warnings.append(
                f"{self.path}: {len(ruleless)} code(s) have no rules, so only a human coder can "
                f"assign them: {', '.join(ruleless)}"
            )
        for code in codes:
            terms = code.rule_count
            if terms and code.min_terms > terms:
                message = (
                    f"min_terms is {code.min_terms} but the code has {terms} rule(s): it can "
                    "never be assigned"
                )
                self.problems.append(Problem(message, self.path, code.line, code=code.id))
            vetoed = {(kw.text.lower(), kw.mode) for kw in code.exclude}
            for kw in code.keywords:
                if (kw.text.lower(), kw.mode) in vetoed:
                    message = (
                        f"keyword '{kw.written}' is also an exclude phrase: it can never match"
                    )
                    self.problems.append(Problem(message, self.path, kw.line, code=code.id))

    def _check_rule_ids(self, codes: list[Code]) -> None:
        first: dict[str, int | None] = {}
        for code in codes:
            for rule in code.rules:
                if rule.id in first:
                    where = f" (first at line {first[rule.id]})" if first[rule.id] else ""
                    message = f"duplicate rule id '{rule.id}'{where}"
                    self.problems.append(Problem(message, self.path, rule.line, code=code.id))
                first.setdefault(rule.id, rule.line)

    def _warn_shared_keywords(self, codes: list[Code]) -> None:
        owners: dict[tuple[str, str | None, str], list[str]] = defaultdict(list)
        for code in codes:
            for kw in code.keywords:
                owners[(kw.text.lower(), kw.language, kw.mode)].append(code.id)
        for (text, language, _), ids in owners.items():
            if len(set(ids)) > 1:
                self.warnings.append(
                    f"{self.path}: keyword '{text}' ({language or 'any language'}) is listed under "
                    f"{len(set(ids))} codes: {', '.join(dict.fromkeys(ids))}"
                )


def _declared_family(codes: list[CodeSpec], i: int) -> str | None:
    """A code's family: its own ``family``, else its parent's, else its id's prefix."""
    by_id = {c.id: c for c in codes}
    code, seen = codes[i], set()
    while code.family is None and code.parent in by_id and code.id not in seen:
        seen.add(code.id)
        code = by_id[code.parent]
    if code.family is not None:
        return code.family
    return code.id.split(".")[0] if "." in code.id else None


def _pattern_problems(tokens: list[dict[str, Any]], language: Language | None) -> list[str]:
    allowed = TOKEN_ATTRS_BY_LANGUAGE[language or "id"]
    problems = []
    if not tokens:
        return ["an empty pattern matches nothing"]
    for k, token in enumerate(tokens):
        if not isinstance(token, dict):
            problems.append(f"token {k + 1} is not a mapping like {{LOWER: survei}}")
            continue
        for attr, value in token.items():
            name = str(attr).upper()
            if name == "OP":
                if value not in PATTERN_OPS:
                    problems.append(f"token {k + 1}: OP must be one of ! ? + *, not {value!r}")
            elif name in allowed:
                if isinstance(value, dict):
                    bad = [op for op in value if op not in PATTERN_VALUE_OPS]
                    if bad:
                        problems.append(f"token {k + 1}: unknown operator {bad[0]!r} in {attr}")
                    elif "REGEX" in value and (error := _regex_problem(value["REGEX"])):
                        problems.append(f"token {k + 1}: invalid REGEX {value['REGEX']!r}: {error}")
            elif name in NEEDS_TRAINED:
                where = "an Indonesian" if language in (None, "id") else "this"
                problems.append(
                    f"token {k + 1}: {attr} needs a trained pipeline; {where} blank pipeline "
                    "cannot provide it"
                )
            else:
                problems.append(f"token {k + 1}: unknown token attribute {attr!r}")
    return problems


def _regex_problem(pattern: Any) -> str | None:
    """Why a token pattern's REGEX does not compile, or None."""
    try:
        re.compile(str(pattern))
    except re.error as exc:
        return str(exc)
    return None

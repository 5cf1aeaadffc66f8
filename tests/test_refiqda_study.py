"""A tiny in-memory study shared by the refiqda tests (no tests of its own)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ksmcode.codebook.model import Code, Codebook, Family
from ksmcode.model import Corpus, Document, DocumentMeta, Turn
from ksmcode.refiqda.to_coding import CODING_DTYPES

SHARED = Path(__file__).parents[2] / "shared" / "refi-qda"
SAMPLES = SHARED / "samples"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"REFI-QDA reference folder {SHARED} is absent"
)

KETUA = (
    "P: Bagaimana awal program KSM?\n"
    "Ketua: Awalnya tim Dinas Sosial datang untuk sosialisasi 😀 di balai warga.\n"
    "Ketua: Belum ada terminasi, kami masih didampingi.\n"
)
WARGA = "Resident: We got 𝒜 barber training 🎉 at the temple hall.\nResident: No tools yet.\n"
FGD = "Peserta: Kami kumpul di sekretariat KSM.\n"


def _doc(doc_id: str, text: str, **meta: object) -> Document:
    turns, pos = [], 0
    for line in text.splitlines(keepends=True):
        turns.append(Turn(pos, pos + len(line.rstrip("\n")), line.split(":")[0]))
        pos += len(line)
    attributes = meta.pop("attributes", {})
    return Document(
        doc_id, Path(doc_id), text, tuple(turns), DocumentMeta(**meta, attributes=attributes)
    )  # type: ignore[arg-type]


def make_corpus() -> Corpus:
    return Corpus(
        Path("transcripts"),
        (
            _doc(
                "interviews/ketua.txt",
                KETUA,
                informant="Ketua RW",
                role="leader",
                method="interview",
                language="id",
                attributes={"age": 45, "village": "Sukamaju"},
            ),
            _doc(
                "interviews/warga.txt",
                WARGA,
                informant="Warga 1",
                role="resident",
                method="interview",
                language="en",
                attributes={"age": "38", "village": "Sukamaju"},
            ),
            _doc("fgd/group.txt", FGD, informant="FGD 1", method="fgd", language="id"),
        ),
    )


def make_codebook() -> Codebook:
    fams = (
        Family("stage", {"id": "Tahap", "en": "Stages"}, "Adi (2002) stages", "#336699"),
        Family("support", {"id": "Pendukung", "en": "Supporting factors"}),
    )
    codes = (
        Code(
            "stage.engagement",
            "stage",
            labels={"id": "Tahap persiapan", "en": "Engagement"},
            definition="Preparing the program.",
            inclusion="team forming",
            exclusion="later stages",
            example="tim Dinas Sosial datang",
            color="#ff0000",
        ),
        Code("stage.termination", "stage", labels={"id": "Tahap terminasi"}, color="red"),
        Code("support.facilities", "support", labels={"id": "Sarana"}),
        Code(
            "support.facilities_tools",
            "support",
            parent="support.facilities",
            labels={"id": "Alat"},
        ),
        Code("support.location", "support", labels={"id": "Lokasi"}),
    )
    return Codebook("KSM test", "1.0", ("id", "en"), fams, codes)


def span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def make_segments(corpus: Corpus) -> pd.DataFrame:
    rows = []
    for doc in corpus.documents:
        for i, turn in enumerate(doc.turns, start=1):
            rows.append(
                (doc.id, f"{doc.id}#{i}", turn.start, turn.end, doc.text[turn.start : turn.end])
            )
    units = pd.DataFrame(rows, columns=["document", "segment_id", "start", "end", "text"])
    coded = [
        ("interviews/ketua.txt#2", "stage.engagement", False),
        ("interviews/ketua.txt#2", "support.location", False),
        ("interviews/ketua.txt#3", "stage.termination", True),
        ("interviews/warga.txt#1", "support.location", False),
        ("interviews/warga.txt#2", "support.facilities_tools", True),
        ("interviews/warga.txt#2", "support.facilities", False),
    ]
    seg = pd.DataFrame(coded, columns=["segment_id", "code", "negated"])
    return seg.merge(units, on="segment_id")[
        ["document", "segment_id", "start", "end", "code", "negated", "text"]
    ]


def expected_coding(segments: pd.DataFrame, coder: str = "ksmcode") -> pd.DataFrame:
    out = segments[["document", "start", "end", "code", "negated"]].assign(coder=coder)
    out = out.astype(CODING_DTYPES)
    return out.sort_values(["document", "start", "end", "code", "negated"]).reset_index(drop=True)

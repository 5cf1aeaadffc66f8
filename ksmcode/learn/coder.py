"""A trained coder: the fitted model with its calibration, thresholds and provenance."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ksmcode.learn.examples import Examples
from ksmcode.learn.model import CodingModel


@dataclass
class LearnedCoder:
    """What ``ksmcode learn`` writes and ``ksmcode code --model`` applies.

    ``info`` is the provenance written into the model file: the codebook's name and sha256, the
    training documents and counts, cross-validated scores per code, library versions.
    """

    model: CodingModel
    calibration_x: np.ndarray
    calibration_y: np.ndarray
    thresholds: np.ndarray
    examples: Examples  # the training units, kept so a later `learn` can build on them
    info: dict[str, Any] = field(default_factory=dict)
    negation_threshold: float = 0.5  # a coding is negated from this negation probability on

    @property
    def code_ids(self) -> tuple[str, ...]:
        return self.model.code_ids

    @property
    def trained(self) -> np.ndarray:
        """Per code: True where the model decides, False where the rules alone do."""
        return self.model.trained_

    def summary(self) -> dict[str, Any]:
        """What run.json records of the model a run used."""
        training = self.info.get("training", {})
        micro = self.info.get("cross_validation", {}).get("all", {}).get("micro", {})
        return {
            "codebook_sha256": self.info.get("codebook", {}).get("sha256"),
            "training_units": training.get("units"),
            "training_documents": len(training.get("documents", [])),
            "rule_only_codes": training.get("rule_only_codes", []),
            "cross_validated_f1": micro.get("model_f1"),
        }

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        calibrated = np.interp(raw, self.calibration_x, self.calibration_y)
        return np.where(self.trained[None, :], calibrated, raw)

    def probability(self, examples: Examples) -> np.ndarray:
        """Calibrated (units, codes) probabilities (rule-only codes: 1 where the rules fired)."""
        return self.calibrate(self.model.raw_proba(examples))

    def decide(self, examples: Examples) -> Decisions:
        """Every (unit, code): its probability, whether it is coded (rule-only codes follow
        their rules), and how likely, and whether, a coding of it is negated."""
        raw, negation = self.model.predict(examples)
        probability = self.calibrate(raw)
        coded = np.where(
            self.trained[None, :], probability >= self.thresholds[None, :], examples.rules[:, :, 0]
        )
        return Decisions(probability, coded.astype(bool), negation, self.negation_threshold)


@dataclass(frozen=True)
class Decisions:
    """A coder's (units, codes) decisions."""

    probability: np.ndarray  # calibrated probability of the code
    coded: np.ndarray  # bool
    negation: np.ndarray  # probability that a coding of the code is negated
    negation_threshold: float

    @property
    def negated(self) -> np.ndarray:
        """Which codings (if coded) are negated."""
        return self.negation >= self.negation_threshold

    def never_negating(self, columns: np.ndarray) -> Decisions:
        """These decisions with no coding in the codes of the boolean ``columns`` negated."""
        return replace(self, negation=np.where(columns[None, :], 0.0, self.negation))

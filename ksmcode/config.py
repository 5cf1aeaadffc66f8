"""The optional project file ``ksmcode.yaml``: defaults for every command, overridden by options.

Example ``ksmcode.yaml``::

    transcripts: transcripts          # or an fsspec address: s3://bucket/study (ksmcode[remote])
    codebook: codebooks/ksm.yaml
    out: out
    unit: turn
    language: id
    interviewer: [Peneliti]
    format: csv
    pseudonymise: false   # true: outputs use pseudonyms (map in pseudonyms.csv, beside this file)
    names: names.csv      # extra names to pseudonymise (name, pseudonym)
    scheduler: tcp://10.0.0.5:8786   # code on this Dask cluster (pip install 'ksmcode[dask]')
    model: codebooks/ksm.model       # a trained coder (ksmcode learn); --no-model: rules only
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ksmcode.errors import ConfigError
from ksmcode.location import is_address
from ksmcode.yamlread import load_yaml, yaml_problem

PROJECT_FILE = "ksmcode.yaml"
UNITS = ("turn", "paragraph", "sentence")


class ProjectConfig(BaseModel):
    """Settings of a ksmcode project; paths are relative to the project file's folder."""

    model_config = ConfigDict(extra="forbid")

    transcripts: str = "transcripts"  # a folder, or an fsspec address (s3://bucket/study)
    codebook: Path = Path("codebooks/ksm.yaml")
    out: Path = Path("out")
    unit: Literal["turn", "paragraph", "sentence"] = "turn"
    language: Literal["id", "en"] = "id"
    interviewer: list[str] = Field(default_factory=list)
    format: Literal["csv", "xlsx", "parquet", "jsonl"] = "csv"
    exclude: list[str] = Field(default_factory=list)
    pseudonymise: bool = False
    names: Path | None = None
    scheduler: str | None = None
    model: Path | None = None  # a trained coder (ksmcode learn) that decides every code


def load_project(folder: str | Path = ".") -> ProjectConfig:
    """Read ``ksmcode.yaml`` from ``folder`` if present, else return the defaults."""
    folder = Path(folder)
    path = folder / PROJECT_FILE
    if not path.is_file():
        return ProjectConfig()
    try:
        data = load_yaml(path.read_text("utf-8")) or {}
    except yaml.YAMLError as exc:
        message, line = yaml_problem(exc)
        where = f"{path}:{line + 1}" if line is not None else str(path)
        raise ConfigError(f"{where}: not valid YAML: {message}") from None
    except (UnicodeDecodeError, OSError) as exc:
        raise ConfigError(
            f"{path}: cannot read the project file ({exc}); save it as UTF-8"
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the project file must be a YAML mapping of settings")
    if isinstance(data.get("interviewer"), str):
        data["interviewer"] = [data["interviewer"]]
    try:
        config = ProjectConfig.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None
    paths = ("codebook", "out", "names", "model")
    update: dict[str, object] = {
        k: folder / v for k in paths if (v := getattr(config, k)) is not None
    }
    if not is_address(config.transcripts):
        update["transcripts"] = str(folder / config.transcripts)
    return config.model_copy(update=update)

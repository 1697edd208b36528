"""Every error veracity raises on purpose, with a stable code.

The CLI turns a :class:`VeracityError` into one line on stderr and exit code 2;
the service turns it into a 4xx JSON body.  Messages are templates filled with
keyword arguments, so the wording lives in one place (after spaCy's errors.py).
"""

from __future__ import annotations

from enum import StrEnum


class E(StrEnum):
    """Coded message templates."""

    E001 = "file not found: {path}"
    E002 = "input is empty: {what}"
    E003 = "input looks binary, not text: {what}"
    E004 = "input is {size} bytes, over the limit of {limit} bytes: {what}"
    E005 = "unknown {kind} '{name}'; known: {known}"
    E006 = "missing columns {missing} in {source}; found: {found}"
    E007 = "could not decode {what} as UTF-8 text"
    E008 = "model file {path} failed its sha256 check (expected {expected}, got {actual})"
    E009 = "model folder {path} is missing {what}"
    E010 = "model file {path} is unreadable: {reason}"
    E011 = (
        "datasets folder not found at {path}; "
        "set VERACITY_DATA to the folder that holds datasets/ and seed/"
    )
    E012 = "unsupported input format for {path}; use {allowed}"
    E013 = "invalid value for {field}: {reason}"
    E014 = "no usable text after cleaning: {what}"
    E015 = "archive database {path} is unusable: {reason}"
    E016 = "URL input refused: {reason}"
    E017 = "analysis {id} not found"
    E018 = "config {path} is invalid: {reason}"
    E019 = "history database {path} is unusable: {reason}"
    E020 = "could not fetch {url}: {reason}"
    E021 = "analysis did not finish within {seconds} s; try again or send less text"
    E022 = "{method} {path}: {reason}"
    E023 = (
        "{feature} needs the optional package {package}; "
        "install it with: pip install 'veracity[{extra}]'"
    )
    E024 = "{path} is a directory, not a file"
    E025 = "cannot read {path}: {reason}"
    E026 = "{path} is {kind}, not a regular file; give a file, or - for standard input"
    E028 = "request body not received within {seconds} s"
    E029 = "cannot listen on {host}:{port}: {reason}"
    E030 = "unsupported content type {ctype!r} for {path}: {hint}"
    E031 = "the report of {what} would be {size} bytes, over the limit of {limit} bytes; {hint}"
    E032 = "model file {path} is too large: {reason}"
    E033 = "model card {path} is invalid: {reason}"
    E034 = (
        "model card {path} failed its decision_sha256 check (expected {expected}, got {actual}): "
        "a field that decides verdicts was edited; retrain, or record the new sha256 to accept it"
    )
    E035 = "a scoring worker process died ({reason}); the rows written so far are kept for --resume"


class VeracityError(Exception):
    """An expected failure with a code and a one-line message."""

    status = 400

    def __init__(self, code: E, **kwargs: object) -> None:
        self.code = code.name
        self.message = code.value.format(**kwargs)
        super().__init__(f"[{self.code}] {self.message}")

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class InputError(VeracityError):
    """The caller's input cannot be analysed."""

    status = 422


class TooLargeError(InputError):
    """The input exceeds a documented size limit."""

    status = 413


class NotFoundError(VeracityError):
    """A named thing (file, analysis, registry entry) does not exist."""

    status = 404


class ModelError(VeracityError):
    """A model folder is missing, truncated or tampered with."""

    status = 500


class DataError(VeracityError):
    """A dataset is missing or lacks what a reader needs."""

    status = 400

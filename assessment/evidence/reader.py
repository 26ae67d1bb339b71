"""Import one Prowler output file: detect its format and return its ``EvidenceSummary``.

Pure with respect to any session: a bad file raises ``EvidenceError`` (a ``ValueError`` whose text
is the message to show) and nothing else happens. Nothing is sent anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from assessment.evidence.compliance_csv import read_compliance_csv
from assessment.evidence.decoding import decode
from assessment.evidence.errors import EvidenceError
from assessment.evidence.models import EvidenceSummary
from assessment.evidence.ocsf import read_ocsf

MAX_BYTES = 200 * 1024 * 1024  # as Streamlit's default upload limit; a 100 000-row CSV is ~40 MB


def read_scan(source: str | os.PathLike[str] | bytes, name: str | None = None) -> EvidenceSummary:
    """The evidence in a Prowler compliance CSV or OCSF JSON, given as a path or as the file's bytes."""
    if isinstance(source, bytes | bytearray):
        data, label = bytes(source), name or "the uploaded file"
    else:
        path = Path(source)
        label = name or path.name
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise _too_large(label, size)
            data = path.read_bytes()
        except FileNotFoundError:
            raise EvidenceError("unreadable", file=label, reason="no such file") from None
        except IsADirectoryError:
            raise EvidenceError("unreadable", file=label, reason="it is a folder, not a file") from None
        except OSError as exc:
            raise EvidenceError("unreadable", file=label, reason=exc.strerror or str(exc)) from None
    if len(data) > MAX_BYTES:
        raise _too_large(label, len(data))
    text = decode(data, label)
    del data
    start = text.lstrip()[:1]
    try:
        collector = read_ocsf(text, label) if start in ("[", "{") else read_compliance_csv(text, label)
    except RecursionError:  # JSON nested past the interpreter's recursion limit (~1000 levels)
        raise EvidenceError("too_deep", file=label) from None
    return collector.summary()


def _too_large(name: str, size: int) -> EvidenceError:
    return EvidenceError("too_large", file=name, size_mb=f"{size / 2**20:.0f}", limit_mb=MAX_BYTES // 2**20)

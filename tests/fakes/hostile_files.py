"""Hostile files built in code (never committed): nested and alias-bomb YAML, huge YAML, PDF bombs.

Used by ``tests/hardening/test_hostile_files.py`` and ``bench/import_criteria.py``.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_MIB = 1 << 20


def deep_yaml(levels: int, *, mapping: bool = False) -> bytes:
    """``[[[...]]]`` (or ``{a: {a: ...}}``) nested ``levels`` deep."""
    if mapping:
        return ("{a: " * levels + "1" + "}" * levels).encode()
    return ("[" * levels + "]" * levels).encode()


def alias_bomb_yaml(levels: int = 9, width: int = 10) -> bytes:
    """ "Billion laughs": each anchor is a list of ``width`` aliases of the one before (width**levels)."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    lines.append(f"objects: {{framework: {{requirement_nodes: *a{levels}}}}}")
    return "\n".join(lines).encode()


def flat_yaml(size: int) -> bytes:
    """A flow list of one-character scalars, ``size`` bytes long: the most nodes per byte."""
    count = max(1, (size - 2) // 2)
    return b"[" + b"1," * (count - 1) + b"1]"


def write_flat_yaml(path: Path, size: int) -> Path:
    """Write ``flat_yaml(size)`` in 1 MiB pieces (a 25 MB file never sits in memory whole)."""
    count = max(1, (size - 2) // 2)
    piece = b"1," * (_MIB // 2)
    with path.open("wb") as handle:
        handle.write(b"[")
        left = count - 1
        while left > 0:
            take = min(left, len(piece) // 2)
            handle.write(piece[: take * 2])
            left -= take
        handle.write(b"1]")
    return path


def raw_pdf(
    content: bytes, filters: str = "/FlateDecode", pages: int = 1, catalog_extra: bytes = b""
) -> bytes:
    """A minimal valid PDF whose ``pages`` pages all share one content stream (already encoded);
    ``catalog_extra`` is added to the catalog dictionary."""
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    content_ref = 4 + pages
    page = (
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_ref} 0 R >>"
    ).encode()
    objects += [page] * pages
    objects.append(
        f"<< /Length {len(content)} /Filter [{filters}] >>\nstream\n".encode() + content + b"\nendstream"
    )
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def flate_bomb(gib: int = 2) -> bytes:
    """A content stream Flate-compressed twice: a few KB that inflate to ``gib`` GiB of spaces.

    The inner zlib stream repeats one fully flushed deflate block per MiB (valid, with the right
    Adler-32), so building it costs a checksum pass, not a compression of gigabytes.
    """
    chunk = b" " * _MIB
    compressor = zlib.compressobj(9)
    head = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = gib * 1024
    adler = 1
    for _ in range(count):
        adler = zlib.adler32(chunk, adler)
    inner = head[:2] + block * count + b"\x03\x00" + struct.pack(">I", adler)
    return zlib.compress(inner, 9)


def bomb_pdf(gib: int = 2) -> bytes:
    """A one-page PDF whose content stream is ``flate_bomb(gib)`` (FlateDecode applied twice)."""
    return raw_pdf(flate_bomb(gib), "/FlateDecode /FlateDecode")


def text_ops_pdf(operations: int, pages: int = 1) -> bytes:
    """A PDF whose pages share one compressed content stream of ``operations`` text-show operators."""
    body = b"BT /F1 1 Tf 10 10 Td " + b"(x) Tj " * operations + b"ET"
    return raw_pdf(zlib.compress(body, 9), pages=pages)


@dataclass(frozen=True)
class Measured:
    """How a child process ended: exit code, output, wall time and its own peak RSS."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float


# A small launcher runs the command: a child forked straight from pytest would inherit pytest's
# own high-water mark (fork copies it, exec keeps it), so ru_maxrss would report pytest's size.
_LAUNCHER = """
import json, os, resource, sys
cpu, mem, report, args = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
pid = os.fork()
if pid == 0:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    try:
        os.execvp(args[0], args)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as f:
    json.dump({"status": status, "maxrss": usage.ru_maxrss}, f)
"""


def run_measured(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    cpu_seconds: int = 120,
    memory_bytes: int = 4 << 30,
) -> Measured:
    """Run ``args`` and report its peak RSS (the child's own ``ru_maxrss``, from ``os.wait4``).

    The child runs under ``RLIMIT_CPU`` and ``RLIMIT_AS`` so that a regression (a parser that eats
    gigabytes or loops for minutes) fails the caller quickly instead of taking the machine down.
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryDirectory() as tmp,
    ):
        report = Path(tmp) / "usage.json"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", _LAUNCHER, str(cpu_seconds), str(memory_bytes), str(report), *args],
            stdout=out,
            stderr=err,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            check=False,
        )
        seconds = time.perf_counter() - start
        usage = json.loads(report.read_text())
        out.seek(0)
        err.seek(0)
        return Measured(
            returncode=os.waitstatus_to_exitcode(usage["status"]),
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            seconds=seconds,
            peak_mb=usage["maxrss"] / 1024,  # Linux reports KiB
        )

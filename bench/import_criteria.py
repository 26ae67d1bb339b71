"""Benchmark ``import-criteria`` on hostile and ordinary files; prints figures, asserts nothing.

Each file is imported by ``knowledge.importer.parse_official`` in a fresh child process; the figures
are its outcome (entries read, or the refusal's template key), wall time and peak RSS (``ru_maxrss``
of that child, from ``os.wait4``). Children run under a CPU and address-space limit, so a regression
is reported as a kill instead of taking the machine down.

``--baseline-mb N`` also measures the parser used before the caps (``yaml.safe_load`` of the whole
file, pure-Python loader) on an N MB flat YAML: peak memory grows linearly with the size (2.5 MB
took ~860 MB here, so 25 MB takes ~8 GB; the issue measured 7.5 GB).

    python bench/import_criteria.py [--baseline-mb 2.5] [--skip-slow-pdf]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fakes.hostile_files import (  # noqa: E402
    alias_bomb_yaml,
    bomb_pdf,
    deep_yaml,
    run_measured,
    text_ops_pdf,
    write_flat_yaml,
)

_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from knowledge.importer import CriteriaImportError, parse_official
    try:
        print(f"{len(parse_official(Path(sys.argv[1])).entries)} entries")
    except CriteriaImportError as exc:
        print(f"refused: {exc.key}")
    """
)
_BASELINE = "import sys, yaml; yaml.safe_load(open(sys.argv[1], 'rb').read().decode()); print('parsed')"


def library_yaml(criteria: int = 61, points: int = 6) -> bytes:
    """A CISO Assistant-shaped library with invented wording, about the size of the real one."""
    nodes = []
    for number in range(1, criteria + 1):
        ref = f"CC{number // 10 + 1}.{number % 10 + 1}"
        nodes.append(
            {"urn": f"urn:x:{ref}", "depth": 2, "ref_id": ref, "description": "Invented text. " * 20}
        )
        for point in range(1, points + 1):
            text = f"Point {point}: invented wording. " * 12
            nodes.append(
                {"urn": f"urn:x:{ref}.{point}", "depth": 3, "ref_id": f"{ref}.{point}", "description": text}
            )
    library = {"urn": "urn:x", "objects": {"framework": {"ref_id": "x", "requirement_nodes": nodes}}}
    return yaml.safe_dump(library, sort_keys=False).encode()


def _measure(label: str, path: Path, code: str = _CHILD, cpu_seconds: int = 300) -> None:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())}
    command = [sys.executable, "-c", code, str(path)]
    result = run_measured(command, env=env, cpu_seconds=cpu_seconds, memory_bytes=12 << 30)
    size = path.stat().st_size if path.is_file() else 0
    outcome = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else f"exit {result.returncode}"
    if "Traceback" in result.stderr:
        outcome += " (traceback: " + result.stderr.strip().splitlines()[-1][:80] + ")"
    print(
        f"{label:<44} {size / 1e6:>8.2f} MB  {result.seconds:>6.1f} s  {result.peak_mb:>7.0f} MB  {outcome}"
    )


def main() -> None:
    """Print outcome, time and peak RSS for each file."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline-mb", type=float, default=0.0, help="also measure yaml.safe_load on N MB")
    parser.add_argument("--skip-slow-pdf", action="store_true", help="leave out the 200-page PDF (~60 s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)

        def write(name: str, data: bytes) -> Path:
            (folder / name).write_bytes(data)
            return folder / name

        cases: list[tuple[str, Callable[[], Path]]] = [
            ("library YAML (real size, invented text)", lambda: write("library.yaml", library_yaml())),
            ("YAML 25 MB (flat list)", lambda: write_flat_yaml(folder / "huge.yaml", 25_000_000)),
            (
                "YAML 4.9 MB (flat list, under the cap)",
                lambda: write_flat_yaml(folder / "flat.yaml", 4_900_000),
            ),
            ("YAML nested 100 000 deep", lambda: write("deep.yaml", deep_yaml(100_000))),
            ("YAML alias bomb (10^9 values)", lambda: write("laughs.yaml", alias_bomb_yaml(9, 10))),
            ("/dev/zero", lambda: Path("/dev/zero")),
            ("PDF Flate bomb (inflates to 2 GiB)", lambda: write("bomb.pdf", bomb_pdf(2))),
            ("PDF 3 M text operations on one page", lambda: write("ops.pdf", text_ops_pdf(3_000_000))),
        ]
        if not args.skip_slow_pdf:
            cases.append(
                (
                    "PDF 200 pages x 100 000 text operations",
                    lambda: write("slow.pdf", text_ops_pdf(100_000, 200)),
                )
            )
        print(f"{'file':<44} {'size':>11}  {'time':>8}  {'peak RSS':>10}  outcome")
        for label, make in cases:
            _measure(label, make())
        if args.baseline_mb:
            path = write_flat_yaml(folder / "baseline.yaml", int(args.baseline_mb * 1e6))
            _measure(f"before: yaml.safe_load of {args.baseline_mb:g} MB", path, _BASELINE, cpu_seconds=1800)


if __name__ == "__main__":
    main()

"""How well the report reads which parts of a control a founder's answer shows (tailored first steps).

Run: ``.venv/bin/python bench/remediation.py [--set blind|dev]``. Each line of the set is a
realistic partial answer to one criterion's question with the facets (``assessment/report/data/
facets.yaml``) it shows in place (``present``) and says are missing (``absent``); every other facet
is ``unstated``. Printed: the share of facet states read right, of answers read entirely right,
of first steps right (the first missing facet, else the first one not mentioned) and the precision
and recall of "missing".

``tests/data/remediation_blind.jsonl`` was written before any cue existed and is never tuned on:
this script lists the misread answers only for the dev set (``remediation_dev.jsonl``).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from assessment.report.facets import FacetState, facets_for, read_facets

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {"blind": DATA / "remediation_blind.jsonl", "dev": DATA / "remediation_dev.jsonl"}


@dataclass(frozen=True)
class Case:
    """One answer and the facet states a careful reader sees in it."""

    id: str
    criterion: str
    answer: str
    expected: dict[str, FacetState]


def load(path: Path) -> list[Case]:
    """The cases of a JSONL set; every facet it names must exist for its criterion."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        ids = [f.id for f in facets_for(row["criterion"])]
        unknown = set(row["present"]) | set(row["absent"])
        if not ids or unknown - set(ids):
            raise SystemExit(f"{path.name}:{number}: unknown facet(s) {sorted(unknown - set(ids))}")
        expected: dict[str, FacetState] = dict.fromkeys(ids, "unstated")
        expected.update(dict.fromkeys(row["present"], "present"))
        expected.update(dict.fromkeys(row["absent"], "absent"))
        cases.append(Case(row["id"], row["criterion"], row["answer"], expected))
    return cases


def first_step(states: dict[str, FacetState]) -> str | None:
    """The facet to put in place first: the first missing one, else the first not mentioned."""
    for wanted in ("absent", "unstated"):
        for facet_id, state in states.items():
            if state == wanted:
                return facet_id
    return None


@dataclass(frozen=True)
class Figures:
    """Agreement of the reader with the set."""

    cases: int
    facets: int
    facet_right: int
    case_right: int
    first_right: int
    missing_hits: int
    missing_said: int
    missing_true: int


def evaluate(cases: list[Case], show_errors: bool) -> Figures:
    """Read every case and count agreements; print the misread ones when ``show_errors``."""
    facet_right = case_right = first_right = hits = said = true = total = 0
    for case in cases:
        reading = read_facets(case.criterion, case.answer)
        assert reading is not None
        got: dict[str, FacetState] = {f.id: s for f, s in reading.states}
        total += len(got)
        right = sum(got[k] == v for k, v in case.expected.items())
        facet_right += right
        case_right += right == len(got)
        first_right += first_step(got) == first_step(case.expected)
        hits += sum(got[k] == "absent" == v for k, v in case.expected.items())
        said += sum(v == "absent" for v in got.values())
        true += sum(v == "absent" for v in case.expected.values())
        if show_errors and right != len(got):
            wrong = {k: f"{got[k]} (want {v})" for k, v in case.expected.items() if got[k] != v}
            print(f"  {case.id} {case.criterion}: {case.answer!r}\n      {wrong}")
    return Figures(len(cases), total, facet_right, case_right, first_right, hits, said, true)


def main() -> int:
    """Print the figures for the chosen set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="blind")
    options = parser.parse_args()
    cases = load(SETS[options.set])
    figures = evaluate(cases, show_errors=options.set == "dev")
    pct = lambda part, whole: 100.0 * part / whole if whole else 100.0  # noqa: E731
    print(
        f"{options.set}: {figures.cases} answers, {figures.facets} facet states\n"
        f"  facet states right    {pct(figures.facet_right, figures.facets):5.1f}%\n"
        f"  answers entirely right {pct(figures.case_right, figures.cases):5.1f}%\n"
        f"  first step right      {pct(figures.first_right, figures.cases):5.1f}%\n"
        f"  'missing' precision   {pct(figures.missing_hits, figures.missing_said):5.1f}%  "
        f"recall {pct(figures.missing_hits, figures.missing_true):5.1f}%"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

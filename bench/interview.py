"""Benchmark the interview engine on simulated companies; prints figures, asserts nothing.

Each company in ``tests/data/companies/*.yaml`` has a profile, an answering personality (terse,
rambling, hedging, typos, mixed) and a ground-truth status per criterion. A simulated founder answers
every question in free text generated from that ground truth (never the quick replies), and we
report gap recall/precision, status accuracy, questions asked and turn latency.

    python bench/interview.py [--companies DIR] [--retriever]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from truth import consistent_truth  # noqa: E402

from assessment import Interview, Question  # noqa: E402
from assessment.bank.loader import default_bank  # noqa: E402
from knowledge.models import CATEGORIES  # noqa: E402

COMPANIES = ROOT / "tests" / "data" / "companies"
TRUTH_LABEL = {"met": "yes", "partial": "partial", "missing": "no"}
PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "terse": {
        "yes": ("yes", "yep", "we do", "yes, done", "yup, in place", "correct"),
        "partial": ("partly", "some of it", "kind of", "half done", "partially"),
        "no": ("no", "nope", "not yet", "we don't", "nah"),
    },
    "rambling": {
        "yes": (
            "Yes, we set that up last year and everyone on the team follows it; it's part of onboarding now.",
            "Yeah, that's been in place for a while. Our CTO owns it and we check it every quarter.",
            "We do, it was one of the first things our first enterprise customer asked about, so it's done.",
        ),
        "partial": (
            "We've started on it: it covers production, but some older internal tools and contractors aren't "
            "included yet.",
            "Sort of. We do it for the main app, but it's informal for everything else and nobody tracks it.",
            "Partially, honestly. Half the team does it properly and the rest of us are catching up.",
        ),
        "no": (
            "Honestly no, we haven't gotten around to that yet; it's on the backlog since our seed round.",
            "Not at the moment. We're a small team and that has not been a priority so far.",
            "No, we don't have anything like that in place today, though we know we need it.",
        ),
    },
    "hedging": {
        "yes": ("I believe so, yes, we do that.", "I think yes, that's in place.", "Pretty sure we do, yes."),
        "partial": (
            "Sort of, I think it's only partly there.",
            "Probably partially, not for everything.",
            "In some places, not everywhere I'd say.",
        ),
        "no": ("I don't think we do, no.", "Probably not, to be honest.", "Not really, no."),
    },
    "typos": {
        "yes": ("yse we do", "yeah we hav that", "yep its in place", "yes, allready done"),
        "partial": ("partialy", "some of it, not evrything", "only for prod, not the rest"),
        "no": ("nope not yet", "no we dont", "we havent done that"),
    },
}
CLEAR = {"yes": "Yes, we do.", "partial": "Only partly.", "no": "No, we don't.", "unknown": "I'm not sure."}


@dataclass
class Company:
    """A simulated company: profile, answering style and ground truth."""

    slug: str
    name: str
    personality: str
    operating_months: int
    profile: dict[str, Any]
    truth: dict[str, str]


def load_companies(directory: Path, as_written: bool = False) -> list[Company]:
    """Every company file in the directory, in name order, with its truth made consistent (bench/truth.py)
    unless ``as_written``."""
    out = []
    for path in sorted(directory.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append(
            Company(
                path.stem,
                raw["name"],
                raw["personality"],
                int(raw.get("operating_months", 0)),
                raw["profile"],
                raw["truth"] if as_written else consistent_truth(raw["truth"])[0],
            )
        )
    return out


class Founder:
    """Answers in free text from the ground truth, in the company's personality (seeded)."""

    def __init__(self, company: Company, scope_reply: str) -> None:
        self.company = company
        self.rng = random.Random(company.slug)
        self.scope_reply = scope_reply

    def _style(self) -> str:
        personality = self.company.personality
        return self.rng.choice(list(PHRASES)) if personality == "mixed" else personality

    def say(self, label: str) -> str:
        """A free-text answer meaning ``label``."""
        return self.rng.choice(PHRASES[self._style()][label])

    def label_for(self, question: Question) -> str:
        """The true label of a scored question or follow-up."""
        status = self.company.truth.get(question.criteria[0], "missing") if question.criteria else "missing"
        if question.kind == "followup" and question.id.endswith("_operating"):
            months = self.company.operating_months
            if status == "met" and months >= 3:
                return "yes"
            return "partial" if months > 0 and status != "missing" else "no"
        return TRUTH_LABEL[status]

    def reply(self, question: Question, last: Question | None) -> str:
        """The founder's answer to one question."""
        if question.kind == "scoping":
            return self.scoping(question)
        if question.kind == "scope_confirm":
            return self.scope_reply
        if question.kind == "carve_out":
            return self.carve_out(question)
        if question.kind == "clarify":
            if last is not None and last.kind in ("scoring", "scoped", "scored", "followup"):
                return CLEAR[self.label_for(last)]
            return self.scoping(last) if last is not None and last.kind == "scoping" else "I'm not sure."
        return self.say(self.label_for(question))

    def scoping(self, question: Question) -> str:
        """Free-text scoping answers from the profile."""
        field = {q.id: q.field for q in default_bank().scoping}.get(question.id, "")
        value = self.company.profile.get(field)
        style = self._style()
        if field == "company_size":
            return {"terse": f"{value}", "typos": f"{value} ppl", "hedging": f"around {value} I think"}.get(
                style, f"We're about {value} people, counting a couple of contractors."
            )
        if field == "hosting":
            return {"terse": f"{value}", "hedging": f"{value}, I believe"}.get(
                style, f"Everything runs on {value}."
            )
        if field == "report_type":
            return "type 2" if value == "type2" else "Type I for now"
        if field == "audit_deadline":
            return f"by {value}" if value else "no date yet"
        if isinstance(value, bool):
            if field == "has_office":
                return "yes, we rent an office" if value else "no, we're fully remote"
            return self.say("yes" if value else "no")
        return "not sure"

    def carve_out(self, question: Question) -> str:
        """Confirm or describe hosting for the carve-out question."""
        hosting = str(self.company.profile["hosting"])
        office = self.company.profile["has_office"]
        own = any(w in hosting.lower() for w in ("own", "hybrid", "colocation"))
        if "Shall I" in question.text:
            return "No, keep them" if own else "yes, that's right"
        if own:
            return "No, we run our own servers."
        return (
            f"We're on {hosting} but we have an office."
            if office
            else f"Yes, all on {hosting}, fully remote."
        )


@dataclass
class Run:
    """One interview's outcome."""

    asked: int
    gaps: set[str]
    truth_gaps: set[str]
    status_hits: int
    status_total: int
    latencies: list[float]


def run(company: Company, scope: set[str] | None, scope_reply: str, retriever: Any) -> Run:
    """Interview one company to the end and compare the report with the ground truth."""
    founder = Founder(company, scope_reply)
    interview = Interview(scope=scope, retriever=retriever)
    latencies: list[float] = []
    asked, last = 0, None
    question = interview.next_question()
    while question is not None and asked < 300:
        asked += 1
        text = founder.reply(question, last)
        if retriever is not None and asked % 17 == 0 and question.criteria:
            interview.answer(f"what does {question.criteria[0]} mean?")
        started = time.perf_counter()
        interview.answer(text)
        following = interview.next_question()
        latencies.append(time.perf_counter() - started)
        if question.kind != "clarify":
            last = question
        question = following
    report = interview.report()
    in_scope = set(report.criterion_status)
    truth_gaps = {c for c in in_scope if company.truth.get(c) in ("partial", "missing")}
    gaps = {g.criterion_id for g in report.gaps}
    hits = sum(
        1
        for c, status in report.criterion_status.items()
        if status != "not_applicable" and status == company.truth.get(c)
    )
    total = sum(1 for status in report.criterion_status.values() if status != "not_applicable")
    return Run(report.questions_asked, gaps, truth_gaps, hits, total, latencies)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> int:
    """Run every company in three set-ups and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=Path, default=COMPANIES)
    parser.add_argument("--as-written", action="store_true", help="score against the files' truth unchanged")
    parser.add_argument("--retriever", action="store_true", help="also ask side questions (loads the index)")
    args = parser.parse_args()
    retriever = None
    if args.retriever:
        from knowledge import Retriever

        retriever = Retriever.load()
    companies = load_companies(args.companies, args.as_written)
    print(
        "ground truth: as written in the company files"
        if args.as_written
        else "ground truth: consistent with the bank's premises (bench/truth.py; --as-written: unchanged)"
    )
    from assessment.understanding.reader import warm_up

    warm_up()  # load the embedding model before timing, as the app does at start
    Interview(scope={"security"}).answer("yes")
    setups = {
        "security (scope given)": ({"security"}, "accept"),
        "security (via scoping)": (None, "just security for now"),
        "all five (via scoping)": (None, "let's do all five categories"),
    }
    latencies: list[float] = []
    tp = fp = fn = hits = total = 0
    print(f"{'company':<14}{'style':<10}" + "".join(f"{name:>26}" for name in setups))
    for company in companies:
        cells = []
        for scope, reply in setups.values():
            outcome = run(company, scope, reply, retriever)
            latencies += outcome.latencies
            tp += len(outcome.gaps & outcome.truth_gaps)
            fp += len(outcome.gaps - outcome.truth_gaps)
            fn += len(outcome.truth_gaps - outcome.gaps)
            hits, total = hits + outcome.status_hits, total + outcome.status_total
            cells.append(f"{outcome.asked:>26}")
        print(f"{company.name:<14}{company.personality:<10}" + "".join(cells))
    print()
    print(f"companies: {len(companies)}; categories: {', '.join(CATEGORIES)}")
    print(
        f"gap recall {tp / max(1, tp + fn):.3f}  precision {tp / max(1, tp + fp):.3f}  "
        f"status accuracy {hits / max(1, total):.3f}"
    )
    print(
        f"turn latency (answer + next question, warm): p50 {_pct(latencies, 0.5):.2f} ms  "
        f"p95 {_pct(latencies, 0.95):.2f} ms  mean {statistics.fmean(latencies) * 1000:.2f} ms "
        f"over {len(latencies)} turns"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

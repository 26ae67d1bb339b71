"""A second, independent interview benchmark: new companies, a different answer generator, and noise.

The companies in ``tests/data/companies_blind/*.yaml`` were written separately from the dev set of
``bench/interview.py``. Each has a profile, a voice (casual, terse, formal, echo, lowercase, hedgy or
mixed), a scope reply and a ground-truth status per criterion. The simulated founder answers from
that truth with its own phrasing banks; ``echo`` restates the question ("We don't monitor capacity
yet"). With noise on, some turns answer a quick reply by number ("1"), a clarification with a quick
reply, ask "why?" or a side question first, or answer wrongly and then say "back": none of that
may change the report, which the benchmark checks against a run without noise.

Prints per company: questions asked (security given, security via scoping, the company's own scope,
all five), scoping fields misread, then gap recall/precision, status accuracy, changed statuses
under noise and turn latency. Asserts nothing.

    python bench/interview_blind.py [--companies DIR] [--no-noise] [--verbose]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from truth import consistent_truth  # noqa: E402

from assessment import Interview, Question  # noqa: E402
from knowledge.models import CATEGORIES  # noqa: E402

COMPANIES = ROOT / "tests" / "data" / "companies_blind"
VOICES = ("casual", "terse", "formal", "echo", "lowercase", "hedgy")
TOOLS = ("Okta", "Google Workspace", "Vanta", "Drata", "GitHub", "Datadog", "1Password", "Jira", "Notion")

# --- phrasing banks (written for this benchmark; independent of bench/interview.py) -------------
SAY: dict[str, dict[str, tuple[str, ...]]] = {
    "casual": {
        "met": (
            "Yes — we've used {tool} with that enforced since 2022",
            "we do, all staff",
            "definitely, it's automated in CI",
            "yep",
            "yeah, that's all set up and {tool} keeps us honest",
            "for sure, every single time",
            "100%, that's been in place since day one",
            "Yes, {tool} handles it for the whole company.",
        ),
        "partial": (
            "only for production",
            "mostly, a few legacy repos left",
            "we started but it's not finished",
            "about half of the team",
            "kind of — the main app yes, the internal tools no",
            "some of it, not all of it",
            "for the big customers only, the rest is ad hoc",
        ),
        "missing": (
            "no",
            "not yet, it's on the roadmap for next quarter",
            "we haven't gotten to that",
            "nobody owns that right now",
            "nope, nothing like that yet",
            "not really, no",
            "honestly that's a gap for us",
        ),
    },
    "terse": {
        "met": ("yes", "yep", "done", "in place", "we do", "y", "correct", "yes."),
        "partial": ("partly", "some", "in progress", "half", "mostly", "not fully"),
        "missing": ("no", "nope", "none", "not yet", "n", "no."),
    },
    "formal": {
        "met": (
            "Yes. This control is in place and we retain evidence of it.",
            "We do; it is documented and reviewed annually.",
            "That is correct, and it applies to all staff and systems.",
            "Yes, this has been implemented across the organisation.",
        ),
        "partial": (
            "Partially. It is in place for production but not yet for internal systems.",
            "It is implemented for most teams, with a few exceptions remaining.",
            "We have begun implementing this; completion is planned for next quarter.",
            "Only in part: the process exists but is applied inconsistently.",
        ),
        "missing": (
            "No, this is not in place at present.",
            "We do not currently have this control.",
            "Not at this time; it is planned for later this year.",
            "Unfortunately not. Nobody has been assigned to it yet.",
        ),
    },
    "lowercase": {
        "met": (
            "yes we have this",
            "ya we do that",
            "yes all done",
            "we have it yes",
            "yes we doing this always",
        ),
        "partial": (
            "only some of it",
            "half done",
            "we do it for prod only",
            "not for all people",
            "partly yes",
        ),
        "missing": ("no we dont have", "not yet", "no nothing", "we never did this", "no not doing this"),
    },
    "hedgy": {
        "met": (
            "I'm fairly confident we do, yes",
            "yes, as far as I know it covers everything",
            "I believe that's fully in place",
            "should be yes, our CTO set it up for everyone",
        ),
        "partial": (
            "I think only partly, maybe half",
            "somewhat — it's not consistent",
            "probably only for the main product",
            "I'd say it's about halfway there",
        ),
        "missing": (
            "I don't think we do, honestly",
            "probably not, no",
            "I'm fairly sure we don't have that",
            "hmm, no, I don't believe that exists yet",
        ),
    },
}
ECHO = {
    "met": ("Yes, we {vp}.", "We {vp}, yes — across the board.", "Yes, we {vp}, and {tool} tracks it."),
    "partial": (
        "We {vp} for production only, not everywhere yet.",
        "Partly — we {vp} for some systems but not all.",
        "We {vp} in some teams; the rest is still to do.",
    ),
    "missing": ("No, we don't {vp} yet.", "We don't {vp} at the moment.", "Not yet — we don't {vp}."),
}
DOCUMENTED = {
    "met": ("yes, it's in our handbook", "it's written down in Notion", "yes, there's a signed-off policy"),
    "partial": ("partly — there's a draft", "some of it is written down", "only a rough draft so far"),
    "missing": ("no, it's not written down", "nothing written yet", "no, it lives in people's heads"),
}
OPERATING = {
    "met": ("yes, we have {months} months of records", "yes, logs going back {months} months", "yes"),
    "partial": ("only for the last month or so", "some records, with gaps", "partly, the history is patchy"),
    "missing": ("no records yet", "no, we just started", "not yet"),
}
CLEAR = {
    "met": ("Yes", "1", "yes, fully"),
    "partial": ("Partly", "2", "partially"),
    "missing": ("No", "3", "no"),
}
SIDE = (
    "why?",
    "why do you ask?",
    "what does {cid} mean?",
    "how many questions are left?",
    "what counts as evidence for this?",
    "is this required for SOC 2?",
)
NUMBERED = {"met": "1", "partial": "2", "missing": "3"}  # default options: Yes, Partly, No, Not sure
WRONG = {"met": "missing", "partial": "met", "missing": "met"}


@dataclass
class Company:
    """A simulated company: profile, voice, expected scope and ground truth."""

    slug: str
    name: str
    voice: str
    operating_months: int
    scope_reply: str
    expected_scope: tuple[str, ...]
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
                raw["voice"],
                int(raw.get("operating_months", 0)),
                raw["scope_reply"],
                tuple(raw["expected_scope"]),
                raw["profile"],
                raw["truth"] if as_written else consistent_truth(raw["truth"])[0],
            )
        )
    return out


def _rng(*parts: object) -> random.Random:
    return random.Random(hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest())


def verb_phrase(question_text: str) -> str | None:
    """'Do you monitor capacity, such as ...' -> 'monitor capacity' (None when the shape differs)."""
    match = re.match(
        r"^(?:Do|Does) (?:you|your team) (.+?)(?:,| such as| with| for example|\?|$)", question_text
    )
    if not match:
        return None
    return match.group(1).strip()


class Founder:
    """Answers in free text from the ground truth; phrasing depends only on (company, question)."""

    def __init__(self, company: Company, scope_reply: str, noise: bool) -> None:
        self.company = company
        self.scope_reply = scope_reply
        self.noise = noise
        self.noise_rng = _rng(company.slug, "noise", scope_reply)
        self.tries: dict[str, int] = {}

    def voice(self, key: str) -> str:
        if self.company.voice == "mixed":
            return _rng(self.company.slug, key, "voice").choice(VOICES)
        return self.company.voice

    def status_for(self, question: Question) -> str:
        """The true status behind a scored question or follow-up."""
        status = self.company.truth.get(question.criteria[0], "missing") if question.criteria else "missing"
        if question.kind == "followup" and question.id.endswith("_operating"):
            months = self.company.operating_months
            return "met" if status == "met" and months >= 3 else ("partial" if months > 0 else "missing")
        return status

    def scored(self, question: Question) -> str:
        status = self.status_for(question)
        rng = _rng(self.company.slug, question.id, self.tries.get(question.id, 0))
        if question.kind == "followup":
            bank = OPERATING if question.id.endswith("_operating") else DOCUMENTED
            return rng.choice(bank[status]).format(months=self.company.operating_months)
        if self.noise and self.noise_rng.random() < 0.05:
            return NUMBERED[status]
        voice = self.voice(question.id)
        vp = verb_phrase(question.text)
        if voice == "echo" and vp:
            return rng.choice(ECHO[status]).format(vp=vp, tool=rng.choice(TOOLS))
        phrases = SAY["casual" if voice == "echo" else voice]
        return rng.choice(phrases[status]).format(tool=rng.choice(TOOLS))

    def clarify(self, last: Question | None) -> str:
        if last is None:
            return "not sure"
        if last.kind == "scoping":
            return self.scoping(last, clear=True)
        if last.kind == "scope_confirm":
            return "accept"
        if last.kind == "carve_out":
            return self.carve_out(last)
        return _rng(self.company.slug, last.id, "clear").choice(CLEAR[self.status_for(last)])

    def reply(self, question: Question, last: Question | None) -> str:
        """The founder's answer to one question."""
        if question.kind == "scoping":
            return self.scoping(question)
        if question.kind == "scope_confirm":
            return self.scope_reply
        if question.kind == "carve_out":
            return self.carve_out(question)
        if question.kind == "clarify":
            return self.clarify(last)
        return self.scored(question)

    def scoping(self, question: Question, clear: bool = False) -> str:
        """Free-text scoping answers from the profile."""
        p = self.company.profile
        rng = _rng(self.company.slug, question.id, clear)
        qid = question.id
        if qid == "scope_company_size":
            n = int(p["company_size"])
            if clear:
                return f"{n} people"
            small = {2: "two", 3: "three", 4: "four", 5: "five"}
            choices = [
                f"we're about {n} people",
                f"{n} employees plus a few contractors",
                f"roughly {n} folks",
            ]
            choices += [f"{n}", f"around {n} FTEs"]
            if n in small:
                choices = [f"just the {small[n]} of us", f"{small[n]} founders, no employees yet"]
            return rng.choice(choices)
        if qid == "scope_hosting":
            return rng.choice(HOSTING[str(p["hosting"])]) if not clear else str(p["hosting"])
        if qid == "scope_has_office":
            return (
                rng.choice(OFFICE[bool(p["has_office"])])
                if not clear
                else ("Yes" if p["has_office"] else "No")
            )
        fieldname = qid.removeprefix("scope_")
        if fieldname in BOOLS:
            value = p.get(fieldname)
            if clear:
                return {True: "Yes", False: "No", None: "Not sure"}[value]
            return rng.choice(BOOLS[fieldname][value])
        if qid == "scope_report_type":
            return rng.choice(REPORT[str(p["report_type"])])
        if qid == "scope_audit_deadline":
            return rng.choice(DEADLINE.get(str(p["audit_deadline"]), (str(p["audit_deadline"]),)))
        return "not sure"

    def carve_out(self, question: Question) -> str:
        hosting = str(self.company.profile["hosting"])
        own = HOSTING_KIND[hosting] in ("self_hosted", "hybrid")
        rng = _rng(self.company.slug, "carve")
        if "Shall I" in question.text:
            if own:
                return rng.choice(("no, keep them in scope", "no — we have our own servers too"))
            return rng.choice(
                ("yes, that's right", "correct", "sounds right, go ahead", "yep, carve them out")
            )
        if own:
            return "no, we run some of our own servers"
        office = self.company.profile["has_office"]
        return f"yes, all on {hosting}" + (" but we do have an office" if office else ", no office")

    def noise_before(self, question: Question) -> str | None:
        """Sometimes a side question or 'why?' before answering (never changes the result)."""
        if not self.noise or question.kind == "clarify" or self.noise_rng.random() >= 0.07:
            return None
        cid = question.criteria[0] if question.criteria else "CC6.1"
        return self.noise_rng.choice(SIDE).format(cid=cid)

    def wrong_then_back(self, question: Question) -> str | None:
        """Sometimes a wrong answer that the founder takes back with 'back'."""
        if not self.noise or question.kind != "scored" or self.tries.get(question.id):
            return None
        if self.noise_rng.random() >= 0.04:
            return None
        return SAY["terse"][WRONG[self.status_for(question)]][0]


HOSTING_KIND = {
    "GCP": "cloud",
    "Heroku": "cloud",
    "Azure": "cloud",
    "AWS": "cloud",
    "Vercel and Supabase": "cloud",
    "hybrid": "hybrid",
    "own servers": "self_hosted",
}
HOSTING_VALUE = {  # the quick-reply value the hosting answer should be read as
    "GCP": "gcp",
    "Heroku": "other_cloud",
    "Azure": "azure",
    "AWS": "aws",
    "Vercel and Supabase": "other_cloud",
    "hybrid": "hybrid",
    "own servers": "own_datacenter",
}
HOSTING = {
    "GCP": ("everything runs on GCP", "Google Cloud — GKE and Cloud SQL", "gcp"),
    "Heroku": ("we're on Heroku", "Heroku, with a Postgres add-on"),
    "Azure": ("Azure, all of it", "Microsoft Azure (App Service + Azure SQL)"),
    "hybrid": ("mostly AWS, but we also run some servers in a colo", "hybrid: AWS plus our own racks"),
    "own servers": ("our own servers in a rack at a colo", "on-prem, we host it ourselves"),
    "AWS": ("AWS", "all in AWS (us-east-1)", "Amazon Web Services"),
    "Vercel and Supabase": ("Vercel for the frontend and Supabase for the db",),
}
OFFICE = {
    False: (
        "fully remote, no office",
        "nope, we're remote-first",
        "we use a coworking space, nothing we control",
    ),
    True: (
        "yes, we have an office in Austin",
        "yes, a small office we lease",
        "we have a little office downtown",
    ),
}
BOOLS: dict[str, dict[Any, tuple[str, ...]]] = {
    "personal_data": {
        True: (
            "yes we store customer PII",
            "yes — names, emails and some payment info",
            "yeah, end users' emails",
        ),
        False: ("no, we don't store personal data", "nope, only machine telemetry, no end-user data"),
        None: ("not sure",),
    },
    "uptime_commitment": {
        True: ("99.9% SLA in our enterprise contracts", "yes, we promise 99.95% uptime", "yes we do"),
        False: ("no formal SLA", "no, best effort only"),
        None: ("not sure, I'd need to check our contracts", "no idea honestly"),
    },
    "processes_for_customers": {
        True: ("yes, we run billing calculations for customers", "yes, payroll runs for our clients"),
        False: ("no, it's just a dashboard", "not really, we don't process transactions"),
        None: ("not sure",),
    },
    "confidential_data": {
        True: ("yes, customers upload contracts and financials", "yes, their source code"),
        False: ("no", "nothing confidential really"),
        None: ("not sure",),
    },
}
REPORT = {
    "type1": ("Type 1", "type I to start", "we'll start with a type one"),
    "type2": ("Type 2", "Type II", "type two, customers want the full thing"),
}
DEADLINE = {
    "2027-03-31": ("we need it by March 2027", "end of March 2027"),
    "2027-06-30": ("by 2027-06-30", "June 30, 2027"),
    "Q2 2027": ("end of Q2 2027", "by Q2 2027"),
    "in 6 months": ("in about 6 months", "within six months"),
    "None": ("no hard deadline", "no date yet"),
    "end of the year": ("by the end of the year",),
    "September 2027": ("September 2027", "sometime in Sept 2027"),
    "ASAP": ("ASAP, a big customer is waiting on it",),
}


def expected_profile(company: Company, today: date) -> dict[str, Any]:
    """Profile values the engine should read back (None where any reading is acceptable)."""
    p = dict(company.profile)
    p["hosting"] = HOSTING_VALUE[p["hosting"]]
    deadline = str(p["audit_deadline"])
    p["audit_deadline"] = deadline if re.fullmatch(r"\d{4}-\d\d-\d\d", deadline) else None
    if deadline in ("September 2027",):
        p["audit_deadline"] = "2027-09-30"
    if deadline == "Q2 2027":
        p["audit_deadline"] = "2027-06-30"
    return p


@dataclass
class Run:
    """One interview's outcome."""

    asked: int
    scope: tuple[str, ...]
    statuses: dict[str, str]
    gaps: set[str]
    truth_gaps: set[str]
    status_hits: int
    status_total: int
    misread: list[str]
    latencies: list[float] = field(default_factory=list)
    clarifications: int = 0


def run(
    company: Company, scope: set[str] | None, scope_reply: str, noise: bool, verbose: bool = False
) -> Run:
    """Interview one company to the end and compare the report with the ground truth."""
    founder = Founder(company, scope_reply, noise)
    interview = Interview(scope=scope)
    latencies: list[float] = []
    turns, last, clarifications = 0, None, 0
    question = interview.next_question()
    while question is not None and turns < 400:
        turns += 1
        side = founder.noise_before(question)
        if side is not None:
            interview.answer(side)
        wrong = founder.wrong_then_back(question)
        if wrong is not None:
            founder.tries[question.id] = 1
            interview.answer(wrong)
            pending = interview.next_question()
            if pending is not None and pending.kind == "clarify":
                interview.answer("no")
            interview.answer("back")
            question = interview.next_question()
            assert question is not None
            continue
        text = founder.reply(question, last)
        clarifications += question.kind == "clarify"
        started = time.perf_counter()
        reply = interview.answer(text)
        following = interview.next_question()
        latencies.append(time.perf_counter() - started)
        if verbose and (question.kind == "clarify" or reply.notice):
            notice = reply.notice or ""
            print(f"    [{company.slug}] {question.kind} {question.id}: {text!r} -> {reply.label} {notice}")
        if question.kind != "clarify":
            last = question
        question = following
    report = interview.report()
    expected_na = (
        {"CC6.4"}
        if HOSTING_KIND[company.profile["hosting"]] == "cloud" and not company.profile["has_office"]
        else set()
    )
    applicable = {c for c, s in report.criterion_status.items() if c not in expected_na}
    truth_gaps = {c for c in applicable if company.truth.get(c) in ("partial", "missing")}
    gaps = {g.criterion_id for g in report.gaps}
    hits = sum(1 for c in applicable if report.criterion_status[c] == company.truth.get(c))
    misread = []
    if verbose:
        by_criterion: dict[str, list[str]] = {}
        for record in report.answers:
            if record.criteria:
                by_criterion.setdefault(record.criteria[0], []).append(f"{record.answer!r}->{record.label}")
        for cid in sorted(applicable):
            if report.criterion_status[cid] != company.truth.get(cid):
                status, truth = report.criterion_status[cid], company.truth.get(cid)
                print(
                    f"    [{company.slug}] MISMATCH {cid} got {status} want {truth}: {by_criterion.get(cid)}"
                )
    if scope is None:
        want = expected_profile(company, date.fromisoformat(interview.to_dict()["created_on"]))
        got = interview.profile
        for key, value in want.items():
            have = got.get(key)
            if key == "audit_deadline" and value is None and company.profile[key] not in (None, "None"):
                continue  # relative or vague: any reading is fine
            if have != value:
                misread.append(f"{key}: {have!r} (want {value!r})")
        for cid in expected_na:
            if report.criterion_status.get(cid) != "not_applicable":
                misread.append(f"carve-out: {cid} is {report.criterion_status.get(cid)}")
    return Run(
        report.questions_asked,
        tuple(report.category_scores),
        dict(report.criterion_status),
        gaps,
        truth_gaps,
        hits,
        len(applicable),
        misread,
        latencies,
        clarifications,
    )


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> int:
    """Run every company in four set-ups (with and without noise) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=Path, default=COMPANIES)
    parser.add_argument("--as-written", action="store_true", help="score against the files' truth unchanged")
    parser.add_argument("--no-noise", action="store_true", help="skip the noisy runs")
    parser.add_argument("--verbose", action="store_true", help="print clarifications and notices")
    args = parser.parse_args()
    companies = load_companies(args.companies, args.as_written)
    print(
        "ground truth: as written in the company files"
        if args.as_written
        else "ground truth: consistent with the bank's premises (bench/truth.py; --as-written: unchanged)"
    )
    from assessment.understanding.reader import warm_up

    warm_up()
    Interview(scope={"security"}).answer("yes")
    setups = {
        "sec given": ({"security"}, "accept"),
        "sec scoping": (None, "just security for now"),
        "own scope": (None, None),
        "all five": (None, "let's do all five categories"),
    }
    latencies: list[float] = []
    tp = fp = fn = hits = total = changed = compared = 0
    worst: dict[str, int] = {}
    print(f"{'company':<22}{'voice':<10}" + "".join(f"{name:>13}" for name in setups) + "  scope ok  misread")
    for company in companies:
        cells, notes, scope_ok = [], [], "-"
        for name, (scope, reply) in setups.items():
            outcome = run(company, scope, reply or company.scope_reply, False, args.verbose)
            latencies += outcome.latencies
            tp += len(outcome.gaps & outcome.truth_gaps)
            fp += len(outcome.gaps - outcome.truth_gaps)
            fn += len(outcome.truth_gaps - outcome.gaps)
            hits, total = hits + outcome.status_hits, total + outcome.status_total
            worst[name] = max(worst.get(name, 0), outcome.asked)
            cells.append(f"{outcome.asked:>10}/{outcome.clarifications:<2}")
            notes += [m for m in outcome.misread if m not in notes]
            if name == "own scope":
                scope_ok = "yes" if outcome.scope == company.expected_scope else f"NO {outcome.scope}"
            if name == "all five" and outcome.scope != CATEGORIES:
                notes.append(f"all five -> {outcome.scope}")
            if name == "sec scoping" and outcome.scope != ("security",):
                notes.append(f"security only -> {outcome.scope}")
            if not args.no_noise:
                noisy = run(company, scope, reply or company.scope_reply, True)
                # numbered quick replies replace some free text, so only count changes away from the truth
                diff = {
                    c
                    for c in outcome.statuses
                    if noisy.statuses.get(c) != outcome.statuses[c]
                    and outcome.statuses[c] == company.truth.get(c)
                }
                changed += len(diff)
                compared += len(outcome.statuses)
                if diff:
                    notes.append(f"noise changed {name}: {sorted(diff)}")
        print(
            f"{company.name:<22}{company.voice:<10}" + "".join(cells) + f"  {scope_ok:<8}  {'; '.join(notes)}"
        )
    print()
    print("cells: questions asked / clarifications")
    print(f"worst questions asked: {worst}")
    print(
        f"gap recall {tp / max(1, tp + fn):.3f}  precision {tp / max(1, tp + fp):.3f}  "
        f"status accuracy {hits / max(1, total):.3f}  (tp {tp}, fp {fp}, fn {fn})"
    )
    if compared:
        print(f"statuses made wrong by noise: {changed} of {compared}")
    print(
        f"turn latency (answer + next question, warm): p50 {_pct(latencies, 0.5):.2f} ms  "
        f"p95 {_pct(latencies, 0.95):.2f} ms  mean {statistics.fmean(latencies) * 1000:.2f} ms "
        f"over {len(latencies)} turns"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

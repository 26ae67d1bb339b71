"""Who does what besides the founder: subservice organizations and the customers' part (CUECs).

Both are worked out in ``assessment.scoping``; here the CUECs become ``UserControlView`` rows (with
why each is listed) for ``view.py``, and the PDF, JSON and OSCAL renderers get their pieces of the
section, so each renderer stays small. All wording comes from ``prompts/report/strings.yaml``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assessment.models import Report, UserEntityControl
from assessment.report.text import clean, md_inline, normalize, one_line
from assessment.report.wording import say
from knowledge.models import CATEGORY_TITLES

if TYPE_CHECKING:
    from assessment.report.view import ReportView

IdMaker = Callable[..., str]


@dataclass(frozen=True)
class UserControlView:
    """A complementary user entity control: what the founder's customers should do, and why listed."""

    number: int
    id: str
    text: str
    criteria: tuple[tuple[str, str], ...]
    basis: str


def _basis(control: UserEntityControl) -> str:
    if control.basis == "answer":
        return say("user_control_basis_answer", excerpt=one_line(normalize(clean(control.evidence))))
    if control.basis == "profile":
        return say(f"user_control_basis_{control.evidence}")
    if control.basis == "scope":
        return say(
            "user_control_basis_scope", category=CATEGORY_TITLES.get(control.evidence, control.evidence)
        )
    return say("user_control_basis_always")


def user_controls(report: Report, title: Callable[[str], str]) -> tuple[UserControlView, ...]:
    """The report's CUECs ready to lay out; ``title(criterion_id)`` names a criterion."""
    return tuple(
        UserControlView(
            number,
            clean(c.id),
            one_line(normalize(clean(c.text))),
            tuple((cid, title(cid)) for cid in c.criteria),
            _basis(c),
        )
        for number, c in enumerate(report.user_entity_controls, start=1)
    )


def criteria_text(criteria: tuple[tuple[str, str], ...]) -> str:
    """``CC6.1 Who can log in, and how; CC6.2 ...`` for a list of (id, title)."""
    return "; ".join(f"{cid} {title}" for cid, title in criteria)


def pdf(writer: Any, view: ReportView, heading: Any) -> None:
    """The customers' part as a PDF section; ``heading(writer, text, level)`` draws headings."""
    t = view.t
    heading(writer, t["section_user_controls"])
    if not view.user_controls:
        writer.para(t["user_controls_none"])
        return
    writer.para(t["user_controls_intro"])
    writer.label(t["user_controls_lead"])
    rows = [
        [str(c.number), c.text, ", ".join(cid for cid, _ in c.criteria), c.basis] for c in view.user_controls
    ]
    headings = (
        "#",
        t["xlsx_col_customer_control"],
        t["user_control_criteria"],
        t["user_control_basis_label"],
    )
    writer.table(headings, rows, (6, 78, 20, 46), ("RIGHT", "LEFT", "LEFT", "LEFT"))


def as_json(view: ReportView) -> list[dict[str, Any]]:
    """The customers' part for the JSON export."""
    return [
        {
            "id": c.id,
            "text": c.text,
            "criteria": [cid for cid, _ in c.criteria],
            "basis": c.basis,
        }
        for c in view.user_controls
    ]


def _props(name: str, values: list[str], ns: str) -> list[dict[str, str]]:
    return [{"name": name, "ns": ns, "value": v} for v in values if v.strip()]


def oscal_components(view: ReportView, ids: IdMaker, ns: str) -> list[dict[str, Any]]:
    """Subservice organizations as OSCAL ``local-definitions`` components (type ``service``)."""
    components = []
    for s in view.subservices:
        component: dict[str, Any] = {
            "uuid": ids("subservice", s.name),
            "type": "service",
            "title": md_inline(s.name) or "-",
            "description": md_inline(s.role or s.name) or "-",
            "status": {"state": "operational"},
        }
        props = [
            {"name": "relationship", "ns": ns, "value": "subservice-organization"},
            *_props("covers-criterion", [cid for cid, _ in s.criteria], ns),
        ]
        component["props"] = props
        if s.complementary_controls:
            duties = "; ".join(md_inline(d) for d in s.complementary_controls)
            component["remarks"] = say("oscal_subservice_remarks", duties=duties)
        components.append(component)
    return components


def oscal_attestations(view: ReportView, ids: IdMaker, ns: str) -> list[dict[str, Any]]:
    """The customers' part as one OSCAL attestation whose parts are the CUECs (empty when none)."""
    if not view.user_controls:
        return []
    parts = []
    for c in view.user_controls:
        part: dict[str, Any] = {
            "uuid": ids("cuec", c.id),
            "name": "complementary-user-entity-control",
            "ns": ns,
            "title": md_inline(c.text),
            "prose": md_inline(c.basis),
        }
        props = _props("supports-criterion", [cid for cid, _ in c.criteria], ns)
        if props:
            part["props"] = props
        parts.append(part)
    return [
        {
            "parts": [
                {
                    "uuid": ids("cuecs"),
                    "name": "complementary-user-entity-controls",
                    "ns": ns,
                    "title": say("oscal_user_controls_title"),
                    "prose": say("oscal_user_controls_prose"),
                    "parts": parts,
                }
            ]
        }
    ]

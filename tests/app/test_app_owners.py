"""The results page: owners and due dates per gap, and the XLSX and OSCAL downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fakes.apptest import assert_clean, interview, new_app, start
from streamlit.testing.v1 import AppTest

from assessment.web import support
from assessment.web.results import OWNERS_OPEN_KEY

MAX_TURNS = 150


def _finish(at: AppTest) -> AppTest:
    for _ in range(MAX_TURNS):
        if interview(at).finished:
            break
        buttons: list[Any] = [b for b in at.button if b.key and b.key.startswith("qr-")]
        next((b for b in buttons if b.label == "No"), buttons[0]).click().run()
        assert_clean(at)
    assert interview(at).finished
    return at


def test_owner_and_due_date_are_saved_from_the_results_page(app_env: Path) -> None:
    at = _finish(start(new_app(), ["confidentiality"]))
    names = [str(getattr(w, "label", "")) for w in at.get("download_button")]
    assert support.text("download_xlsx") in names and support.text("download_oscal") in names
    gap = interview(at).report().gaps[0]
    at.session_state[OWNERS_OPEN_KEY] = True  # the founder opens "Owners and due dates"
    at.text_input(key=f"owner-{gap.criterion_id}").input("=Dana (CTO)")
    at.date_input(key=f"due-{gap.criterion_id}").set_value("2026-06-30")
    next(b for b in at.button if b.label == support.text("owners_save")).click().run()
    assert_clean(at)
    saved = {g.criterion_id: g for g in interview(at).report().gaps}[gap.criterion_id]
    assert (saved.owner, saved.due) == ("=Dana (CTO)", "2026-06-30")
    assert interview(at).to_dict()["assignments"][gap.criterion_id]["owner"] == "=Dana (CTO)"
    assert support.text("owners_saved") in [s.value for s in at.success]
    # Still open after the save: the message above the results used to redraw it closed.
    (owners,) = [e for e in at.expander if e.label == support.text("owners_heading")]
    assert owners.proto.expanded

"""The app's "Add scan results" upload: pre-filled questions on a good file, st.error on a bad one."""

from __future__ import annotations

import json
from pathlib import Path

from fakes.apptest import assert_clean, interview, new_app, start
from fakes.messages import shows
from fakes.prowler import compliance_csv, scan_rows

from assessment.evidence.errors import say


def test_upload_scan_prefills_and_bad_file_changes_nothing(app_env: Path) -> None:
    at = start(new_app(), ["security"])
    before = json.dumps(interview(at).to_dict(), sort_keys=True)
    at.sidebar.file_uploader(key="evidence_file").set_value(("notes.csv", b"a,b\n1,2\n", "text/csv")).run()
    at.sidebar.button(key="evidence_button").click().run()
    assert not at.exception
    assert [e.value for e in at.error] and "notes.csv" in at.error[0].value
    assert json.dumps(interview(at).to_dict(), sort_keys=True) == before

    scan = compliance_csv(scan_rows()).encode()
    at.sidebar.file_uploader(key="evidence_file").set_value(("soc2_aws.csv", scan, "text/csv")).run()
    at.sidebar.button(key="evidence_button").click().run()
    assert_clean(at)
    assert [s.value for s in at.success] and shows(at.success[0].value, "imported", "evidence.yaml")
    iv = interview(at)
    assert iv.to_dict()["evidence"][0]["info"]["source"] == "soc2_aws.csv"
    # Answer until a pre-filled question comes up, then confirm it with its quick reply.
    for _ in range(40):
        question = iv.next_question()
        assert question is not None
        if question.proposed_label is not None:
            break
        at.button(key=f"qr-{question.id}-0").click().run()
    assert question.proposed_label is not None
    assert at.button(key=f"qr-{question.id}-0").label == say("option_confirm")
    at.button(key=f"qr-{question.id}-0").click().run()
    assert_clean(at)
    event = interview(at).to_dict()["events"][-1]
    assert (event["qid"], event["source"], event["label"]) == (
        question.id,
        "evidence",
        question.proposed_label,
    )

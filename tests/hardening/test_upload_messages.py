"""A hostile session file gets the right reason, and a reason quoting the file cannot format the page."""

from __future__ import annotations

import json

import pytest

from assessment.interview.engine import Interview
from assessment.interview.session_file import SessionFileError, parse_session
from assessment.templates import render_message
from assessment.web import markup, support


def test_a_number_of_thousands_of_digits_is_refused_as_not_json_not_as_too_deep() -> None:
    raw = b'{"kind": "soc2-ready-session", "schema_version": ' + b"9" * 5000 + b"}"
    with pytest.raises(SessionFileError) as caught:
        parse_session(raw, name="S.json")
    reason = render_message("session_huge_number", "session.yaml")
    expected = render_message("session_not_json", "session.yaml", file="S.json", reason=reason)
    assert str(caught.value) == expected


def test_an_upload_refusal_quoting_the_file_shows_its_text_literally() -> None:
    iv = Interview()
    iv.answer("5 people")
    data = iv.to_dict()
    data["events"][0]["qid"] = "**B** https://evil.example :rocket:"
    with pytest.raises(support.UploadError) as caught:
        support.load_session_upload(json.dumps(data).encode(), 2_000_000)
    message = markup.markdown_literal(str(caught.value))  # as show_flash puts it on the page
    assert "**B**" not in message and "\\*\\*B\\*\\*" in message  # no bold from the file
    assert "https://" not in message and ":rocket:" not in message  # no link, no emoji

"""Earlier chat turns folded into one Markdown block: who said what, every user string made inert."""

from __future__ import annotations

from importlib import resources

from assessment.web.support import markdown_literal, text
from assessment.web.transcript import history_markdown

ASSETS = ("chat_box.html", "chat_box.css", "chat_box.js")


def test_each_turn_gets_its_speaker_and_keeps_its_order() -> None:
    turns = (("assistant", "Do you use **SSO**?"), ("user", "yes, Okta"), ("assistant", "Noted."))
    block = history_markdown(turns)
    you, assistant = text("history_speaker_user"), text("history_speaker_assistant")
    assert block.split("\n\n") == [
        f"**{assistant}**  \nDo you use **SSO**?",
        f"**{you}**  \nyes, Okta",
        f"**{assistant}**  \nNoted.",
    ]


def test_what_the_founder_typed_shows_as_typed_and_replies_carry_no_link_or_image() -> None:
    typed = "we pay $5 and $10 <b>monthly</b> ![x](http://host.invalid/p.png) # not a heading"
    block = history_markdown((("user", typed), ("assistant", "You said ![x](http://host.invalid/p.png)")))
    assert markdown_literal(typed) in block
    assert "![x](" not in block and "http://" not in block and "<b>" not in block


def test_the_chat_box_frontend_ships_as_package_data_and_fetches_nothing() -> None:
    frontend = resources.files("assessment.web.chat_box").joinpath("frontend")
    assets = {name: frontend.joinpath(name).read_text(encoding="utf-8") for name in ASSETS}
    assert "export default function" in assets["chat_box.js"]
    assert 'data-testid="stChatInputTextArea"' in assets["chat_box.html"]
    for name, source in assets.items():
        assert "http://" not in source and "https://" not in source and "@import" not in source, name

"""Earlier chat turns folded into one Markdown block: who said what, every user string made inert."""

from __future__ import annotations

from importlib import resources

from assessment.interview.withdrawn import ChatTurn
from assessment.web.history import Bubble
from assessment.web.markup import markdown_literal
from assessment.web.support import text, transcript_turns
from assessment.web.transcript import bubble_markdown, history_markdown, struck

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


def test_a_withdrawn_bubble_is_struck_through_and_labelled_in_the_folded_history() -> None:
    turns = (("user", "yes, Okta"), ("assistant", "Noted.", True), ("assistant", "Next?", False))
    block = history_markdown(turns).split("\n\n")
    you, assistant = text("history_speaker_user"), text("history_speaker_assistant")
    assert block == [
        f"**{you}**  \nyes, Okta",
        f"**{assistant}** · *{text('turn_withdrawn')}*  \n~~Noted.~~",
        f"**{assistant}**  \nNext?",
    ]


def test_struck_keeps_line_breaks_list_markers_and_escapes() -> None:
    assert struck("one  \ntwo") == "~~one~~  \n~~two~~"
    assert struck("Noted:\n\n- first\n- second") == "~~Noted:~~\n\n- ~~first~~\n- ~~second~~"
    typed = markdown_literal("- $5 ~~not~~ <b>")
    assert struck(typed) == f"~~{typed}~~"  # the founder's own marks stay escaped inside the strike
    assert bubble_markdown("user", "a *b*", withdrawn=True) == f"~~{markdown_literal('a *b*')}~~"


def test_withdrawn_turns_are_never_joined_with_live_ones() -> None:
    turns = [
        ChatTurn("user", "Yes", withdrawn=True),
        ChatTurn("assistant", "Noted.", withdrawn=True),
        ChatTurn("assistant", "Next question?"),
        {"role": "assistant", "text": "More.", "withdrawn": False},
    ]
    assert transcript_turns(turns) == [
        Bubble("user", "Yes", True),
        Bubble("assistant", "Noted.", True),
        Bubble("assistant", "Next question?\n\nMore."),
    ]

"""Who is using the app, when it runs with a login (``SOC2_READY_AUTH``).

- ``none`` (the default): nobody signs in; every session link works as it always has.
- ``oidc``: Streamlit's own login (``st.login``) with any OpenID Connect provider configured in
  ``.streamlit/secrets.toml``; the user is ``st.user``.
- ``header``: an authenticating proxy in front of the app (oauth2-proxy, a cloud load balancer's
  login, ...) signs people in and passes who they are in a trusted header
  (``SOC2_READY_TRUSTED_USER_HEADER``, default ``X-Forwarded-Email``), read from
  ``st.context.headers``. Only safe when the app can be reached through that proxy alone.

The resolution is a pure function over the header map or the user info (``resolve``), so it is
tested without a provider; ``current_user`` is the thin reader over Streamlit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from assessment.interview.storage import is_valid_owner

AuthMode = Literal["none", "oidc", "header"]


@dataclass(frozen=True)
class User:
    """A signed-in user: ``owner`` keys their sessions in the store, ``label`` is shown to them."""

    owner: str
    label: str


def _owner_key(value: object) -> str | None:
    """The owner key for an e-mail address or subject id: trimmed, lower case, valid; else None."""
    if not isinstance(value, str):
        return None
    key = value.strip().lower()
    return key if is_valid_owner(key) else None


def from_headers(headers: Iterable[tuple[str, str]], header: str) -> User | None:
    """The user the proxy named in ``header`` (looked up case-insensitively in the request's
    ``(name, value)`` pairs), or None.

    A missing, empty, malformed or repeated value (twice, or a list "a@x, b@y", as when a client's
    own header was appended to the proxy's) is no user, never a guess.
    """
    wanted = header.strip().lower()
    values = [value for name, value in headers if name.lower() == wanted]
    if len(values) != 1 or "," in values[0]:
        return None
    owner = _owner_key(values[0])
    return User(owner, values[0].strip()) if owner else None


def from_user_info(info: Mapping[str, object]) -> User | None:
    """The user of an OIDC login (``st.user``): keyed by e-mail address, else by subject id.

    Not signed in (``is_logged_in`` not true), or an e-mail the provider says is unverified and no
    subject id: no user.
    """
    if info.get("is_logged_in") is not True:
        return None
    email = info.get("email")
    verified = info.get("email_verified") is not False
    owner = _owner_key(email) if verified else None
    if owner is None:
        subject = info.get("sub")
        owner = _owner_key(f"sub:{subject}") if isinstance(subject, str) and subject else None
    if owner is None:
        return None
    name = info.get("name")
    label = name.strip() if isinstance(name, str) and name.strip() else owner
    return User(owner, label)


def resolve(
    mode: AuthMode, headers: Iterable[tuple[str, str]], user_info: Mapping[str, object], header: str
) -> User | None:
    """The signed-in user for ``mode`` from the request headers or the OIDC user info (none: None)."""
    if mode == "header":
        return from_headers(headers, header)
    if mode == "oidc":
        return from_user_info(user_info)
    return None


def request_headers() -> list[tuple[str, str]]:
    """The ``(name, value)`` pairs of this browser session's request (``st.context.headers``)."""
    import streamlit as st

    headers = st.context.headers
    return [(name, value) for name in headers for value in headers.get_all(name)]


def oidc_user_info() -> Mapping[str, object]:
    """What Streamlit's login knows about the user (``st.user``)."""
    import streamlit as st

    return st.user.to_dict()


def current_user(mode: AuthMode, header: str) -> User | None:
    """The signed-in user of this browser session, read from Streamlit (``none``: always None)."""
    if mode == "header":
        return resolve(mode, request_headers(), {}, header)
    if mode == "oidc":
        return resolve(mode, (), oidc_user_info(), header)
    return None

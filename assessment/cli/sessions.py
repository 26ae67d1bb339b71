"""``soc2-ready sessions``: the session store's backups and owners.

    soc2-ready sessions backups                         # the healthy backups, newest first
    soc2-ready sessions restore-backup [--from FILE]    # merge a backup's sessions back in
    soc2-ready sessions set-owner SESSION_ID OWNER      # give a session to a user (login deployments)

``restore-backup`` never loses what the store holds: it adds the sessions the store lacks and
replaces only those it holds at a lower version, so it is safe while the app runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assessment.cli.common import fail, text


def register(commands: Any) -> None:
    """Add the ``sessions`` command group."""
    parser = commands.add_parser("sessions", help=text("sessions_help"), description=text("sessions_help"))
    actions = parser.add_subparsers(dest="sessions_command", metavar="ACTION", required=True)
    listing = actions.add_parser("backups", help=text("sessions_backups_help"))
    listing.set_defaults(handler=run_backups)
    restore = actions.add_parser("restore-backup", help=text("sessions_restore_help"))
    restore.add_argument("--from", dest="source", type=Path, default=None, help=text("sessions_from_help"))
    restore.set_defaults(handler=run_restore)
    owner = actions.add_parser("set-owner", help=text("sessions_owner_help"))
    owner.add_argument("session_id", help=text("sessions_owner_sid_help"))
    owner.add_argument("owner", help=text("sessions_owner_user_help"))
    owner.set_defaults(handler=run_set_owner)


def _open(args: argparse.Namespace) -> Any:
    """The session store the app uses (``--data-dir`` and ``SOC2_READY_*``), its notice printed."""
    from assessment.interview.storage import SessionStore
    from knowledge.settings import load_settings

    store = SessionStore(data_dir=load_settings(data_dir=getattr(args, "data_dir", None)).data_dir)
    if store.notice:
        print(text("warning", reason=store.notice))
    return store


def run_backups(args: argparse.Namespace) -> int:
    """List the healthy backups, newest first, marking the one ``restore-backup`` would use."""
    from assessment.interview.storage import StoreError

    try:
        store = _open(args)
    except StoreError as exc:
        return fail(str(exc))
    try:
        found = store.backups.available() if store.backups is not None else []
        if not found:
            print(text("sessions_no_backups"))
            return 0
        for n, info in enumerate(found):
            print(
                text(
                    "sessions_backup_line",
                    mark="*" if n == 0 else " ",
                    path=info.path,
                    taken=info.taken_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                    count=info.sessions,
                )
            )
        return 0
    finally:
        store.close()


def run_restore(args: argparse.Namespace) -> int:
    """Merge a backup (``--from``, else the best one) into the store and say what came back."""
    from assessment.interview.storage import StoreError

    try:
        store = _open(args)
    except StoreError as exc:
        return fail(str(exc))
    try:
        source, result = store.restore_backup(args.source)
    except StoreError as exc:
        return fail(str(exc))
    finally:
        store.close()
    print(
        text(
            "sessions_restored",
            source=source,
            added=result.added,
            updated=result.updated,
            unchanged=result.unchanged,
            unreadable=result.unreadable,
        )
    )
    return 0


def run_set_owner(args: argparse.Namespace) -> int:
    """Give one session to a user, so their "My assessments" list shows it."""
    from assessment.interview.storage import StoreError

    try:
        store = _open(args)
    except StoreError as exc:
        return fail(str(exc))
    try:
        found = store.set_owner(args.session_id, args.owner)
    except (ValueError, StoreError) as exc:
        return fail(str(exc))
    finally:
        store.close()
    if not found:
        return fail(text("sessions_owner_unknown", session_id=args.session_id))
    print(text("sessions_owner_set", session_id=args.session_id, owner=args.owner))
    return 0

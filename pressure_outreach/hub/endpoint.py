"""`python -m pressure_outreach serve`: the opt-out endpoint every message links to
(docs/rulebook.md §10; CAN-SPAM §7704; RFC 8058).

- GET /unsubscribe?m=<message id>&s=<signature> shows a page with one confirm button and
  changes nothing: mail scanners and link previews follow links.
- POST to the same link records the opt-out: the one-click body of RFC 8058
  (`List-Unsubscribe=One-Click`, which mail clients send from the List-Unsubscribe-Post
  header) or the page's button. The message's address gets an `unsubscribed` event in
  execution.send_events, once: the ledger row of the message is marked in the same
  transaction, so a second POST changes nothing more. The answer is 200, never a redirect.
- A link whose signature does not match its message id (forged, altered, guessed) gets 403
  and writes nothing; a signed link of a message never sent gets 404.

The next send honours the opt-out (execution.send_recheck reads send_events when it is
read) and so does the next build (suppression). Flask makes the request handling plain and
well tested; waitress, a pure-Python production WSGI server, serves it (no compiler, no
system package), behind the TLS-terminating web server the public link points at.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

import psycopg
from flask import Flask, Response, request
from psycopg import sql

from pressure_outreach import settings
from pressure_outreach.hub import links

ONE_CLICK = "One-Click"
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Unsubscribe</title></head>
<body><main>
<h1>{title}</h1>
<p>{text}</p>
{form}
</main></body></html>
"""


def _page(title: str, text: str, form: str = "", status: int = 200) -> Response:
    body = PAGE.format(title=escape(title), text=escape(text), form=form)
    return Response(body, status=status, mimetype="text/html")


def create_app(
    conn: settings.ConnectionSettings,
    secret: bytes,
    schema: str = "execution",
    clock: Callable[[], datetime] | None = None,
) -> Flask:
    """The endpoint's WSGI app. `clock` dates the opt-outs of a replay (the demo's February
    recipients); None: the database's clock."""
    app = Flask(__name__)
    attempts = sql.Identifier(schema, "send_attempts")
    events = sql.Identifier(schema, "send_events")

    def signed_message_id() -> str | None:
        message_id = request.args.get(links.MESSAGE_PARAMETER, "")
        signature = request.args.get(links.SIGNATURE_PARAMETER, "")
        return message_id if message_id and links.is_signed(message_id, signature, secret) else None

    @app.get("/unsubscribe")
    def confirm_page() -> Response:
        if signed_message_id() is None:
            return _page("Link not valid", "This opt-out link is not valid.", status=403)
        form = (
            f'<form method="post" action="{escape(request.full_path)}">'
            f'<input type="hidden" name="List-Unsubscribe" value="{ONE_CLICK}">'
            '<button type="submit">Unsubscribe</button></form>'
        )
        return _page("Unsubscribe", "Stop receiving these messages at this address?", form)

    @app.post("/unsubscribe")
    def unsubscribe() -> Response:
        message_id = signed_message_id()
        if message_id is None:
            return _page("Link not valid", "This opt-out link is not valid.", status=403)
        if request.form.get("List-Unsubscribe") != ONE_CLICK:
            return _page("Not understood", "Use the button of the opt-out page.", status=400)
        at = clock() if clock is not None else None
        with psycopg.connect(conn.conninfo()) as db:
            marked = db.execute(
                sql.SQL(
                    "update {attempts} set unsubscribed_at = coalesce(%s, clock_timestamp()) "
                    "where message_id = %s and unsubscribed_at is null "
                    "returning outreach_id, person_unique_id, email_to, unsubscribed_at"
                ).format(attempts=attempts),
                (at, message_id),
            ).fetchone()
            if marked is not None:
                db.execute(
                    sql.SQL(
                        "insert into {events} (event_id, message_id, outreach_id, person_unique_id, email, "
                        "event_type, event_at, detail) "
                        "values (gen_random_uuid(), %s, %s, %s, %s, 'unsubscribed', %s, "
                        "jsonb_build_object('source', 'opt-out endpoint'))"
                    ).format(events=events),
                    (message_id, *marked),
                )
            elif (
                db.execute(
                    sql.SQL("select 1 from {attempts} where message_id = %s").format(attempts=attempts), (message_id,)
                ).fetchone()
                is None
            ):
                return _page("Link not valid", "No message was sent with this link.", status=404)
        return _page("Unsubscribed", "You will receive no further messages from us at this address.")

    return app


def serve(conn: settings.ConnectionSettings, secret: bytes, host: str, port: int, schema: str = "execution") -> None:
    from waitress import serve as waitress_serve

    waitress_serve(create_app(conn, secret, schema), host=host, port=port)

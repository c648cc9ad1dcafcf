"""The reference Execution Hub (docs/rulebook.md §10): it reads what may be sent now
(execution.sendable_messages), claims each message once in its ledger, sends it over SMTP,
records what happened in execution.send_events, and serves the opt-out link of every
message. `python -m pressure_outreach send` and `python -m pressure_outreach serve`.

- config.py    its settings, from environment variables only
- links.py     the signed opt-out link (HMAC)
- message.py   the MIME message: headers, RFC 8058 one-click opt-out, DKIM
- sender.py    claim, send, record: at most once
- endpoint.py  the opt-out endpoint
- mailsink.py  a local SMTP server delivering into a Maildir, for the demo and the tests
"""

"""Shared fixtures. Tests that need PostgreSQL use the server of OUTREACH_PG_* (the
embedded one under `make test`) and skip, saying why, when it cannot be reached."""

from __future__ import annotations

import pytest

import support


@pytest.fixture(scope="session")
def conn_settings():
    settings = support.connection_settings()
    reason = support.unreachable_reason(settings)
    if reason:
        pytest.skip(reason)
    return settings


@pytest.fixture(scope="session")
def demo_db(conn_settings):
    """The database `make build` filled and built at the demo's as_of."""
    reason = support.demo_build_missing_reason(conn_settings)
    if reason:
        pytest.skip(reason)
    return conn_settings

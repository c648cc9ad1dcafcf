"""Shared fixtures. Tests that need PostgreSQL use the server of OUTREACH_PG_* (the
embedded one under `make test`) and skip, saying why, when it cannot be reached.

The scratch databases of a test run (databases.py) carry its run id; the process that
started the run drops them at its end. Under pytest-xdist the controller starts the run
and hands its id to the workers."""

from __future__ import annotations

import os
import shutil

import pytest

import databases
import support


def pytest_configure(config: pytest.Config) -> None:
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None:  # an xdist worker: the controller's run
        os.environ[databases.RUN_ID_VARIABLE] = workerinput[databases.RUN_ID_VARIABLE]
    else:
        os.environ.pop(databases.RUN_ID_VARIABLE, None)
        databases.run_id()
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_HandRunIdToWorkers())


class _HandRunIdToWorkers:
    @pytest.hookimpl
    def pytest_configure_node(self, node) -> None:
        node.workerinput[databases.RUN_ID_VARIABLE] = databases.run_id()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if getattr(session.config, "workerinput", None) is not None:
        return  # the controller cleans up once every worker is done
    conn = support.connection_settings()
    if support.unreachable_reason(conn) is None:
        databases.drop_run_databases(conn)
    shutil.rmtree(support.run_target_root(), ignore_errors=True)


@pytest.fixture(scope="session")
def conn_settings():
    settings = support.connection_settings()
    reason = support.unreachable_reason(settings)
    if reason:
        pytest.skip(reason)
    return settings


@pytest.fixture(scope="session")
def demo_db(conn_settings):
    """The database `make demo` filled and built at the demo's as_of."""
    reason = support.demo_build_missing_reason(conn_settings)
    if reason:
        pytest.skip(reason)
    return conn_settings

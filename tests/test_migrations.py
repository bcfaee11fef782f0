"""Migrations: from empty to head, in sync with the models, reversible, safe to run at once."""

from __future__ import annotations

import threading

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from bot.core import migrate
from bot.core.db import Base, import_models, make_engine

TABLES = {"workspaces", "people", "reporting_lines", "proposals", "deliveries", "career_plans",
          "plan_actions", "plan_versions", "plan_feedback"}


def test_upgrade_from_empty_then_models_and_migrations_agree(engine: Engine) -> None:
    assert migrate.current(engine)[0] is None
    migrate.upgrade(engine)
    database, head = migrate.current(engine)
    assert database == head is not None
    assert set(inspect(engine).get_table_names()) >= TABLES
    import_models()
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                Base.metadata)
    assert diff == []


def schema(engine: Engine) -> set[str]:
    """The tables and their indexes (a migration may add only an index)."""
    inspector = inspect(engine)
    tables = inspector.get_table_names()
    return {*tables, *(f"{t}.{i['name']}" for t in tables for i in inspector.get_indexes(t))}


def test_latest_migration_downgrades_and_upgrades_again(engine: Engine) -> None:
    migrate.upgrade(engine)
    full = schema(engine)
    migrate.downgrade(engine, "-1")
    assert schema(engine) < full
    migrate.upgrade(engine)
    assert schema(engine) == full


def test_replicas_starting_together_migrate_once(database_url: str) -> None:
    """Four engines (as four replicas would) upgrade at the same moment without errors."""
    engines = [make_engine(database_url) for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(engines))

    def replica(engine: Engine) -> None:
        start.wait()
        try:
            migrate.upgrade(engine)
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=replica, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert migrate.current(engines[0])[0] == migrate.current(engines[0])[1]
    for engine in engines:
        engine.dispose()

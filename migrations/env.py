"""Alembic environment: the app's metadata; the connection from bot.core.migrate or DATABASE_URL."""

from alembic import context
from sqlalchemy import Connection

from bot.core.config import Settings
from bot.core.db import Base, import_models, make_engine

import_models()
target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = make_engine(Settings.from_env().database_url)
    with engine.connect() as connection:
        run(connection)
        connection.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_online()

"""SQL that SQLAlchemy spells differently per database."""

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.extensions import db


def insert_if_absent(model, **values) -> None:
    """INSERT … ON CONFLICT DO NOTHING: create a row unless its key exists, race-free."""
    dialect = db.session.get_bind().dialect.name
    insert = sqlite_insert if dialect == "sqlite" else pg_insert
    db.session.execute(insert(model).values(**values).on_conflict_do_nothing())

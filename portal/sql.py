"""SQL that SQLAlchemy spells differently per database."""

import json

from sqlalchemy import Integer, any_, bindparam, column, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.extensions import db


def insert_if_absent_statement(bind, model, **values):
    """INSERT … ON CONFLICT DO NOTHING for ``bind``'s database: race-free "create unless it exists"."""
    insert = sqlite_insert if bind.dialect.name == "sqlite" else pg_insert
    return insert(model).values(**values).on_conflict_do_nothing()


def insert_if_absent(model, **values) -> None:
    db.session.execute(insert_if_absent_statement(db.session.get_bind(), model, **values))


def json_object(**values):
    """A JSON object built by the database from column expressions."""
    build = func.json_object if db.session.get_bind().dialect.name == "sqlite" else func.json_build_object
    return build(*[part for key, value in values.items() for part in (key, value)])


def among(id_column, ids: list[int]):
    """``id_column IN ids`` for any number of ids, as one bound parameter (a JSON
    array on SQLite, an array on PostgreSQL) instead of one parameter per id."""
    if db.session.get_bind().dialect.name == "sqlite":
        return id_column.in_(select(column("value")).select_from(func.json_each(json.dumps(ids))))
    return id_column == any_(bindparam("ids", ids, type_=ARRAY(Integer)))


def utc_day(column):
    """The UTC calendar day of a timestamp column, as ``YYYY-MM-DD`` text on either database."""
    if db.session.get_bind().dialect.name == "sqlite":
        return func.date(column)  # stored as naive UTC
    return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")

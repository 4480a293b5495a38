"""Locks held by the database until the transaction ends.

Decisions such as "the first partner to register this deal wins" must hold across
gunicorn workers and hosts, so the lock lives in the database. A decision about rows
that exist (stock levels, a partner's credit) locks those rows as it reads them
(:func:`rows`); one about rows that may not exist yet locks a named row that the
deciding transaction updates first (:func:`hold`). PostgreSQL row-locks until commit;
SQLite takes its single write lock. Either way the next decider waits, then reads what
the previous one committed.
"""

from sqlalchemy import Result, Select, String, event, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.extensions import db
from portal.sql import insert_if_absent


class NamedLock(db.Model):
    __tablename__ = "named_locks"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    taken: Mapped[int] = mapped_column(default=0)


@event.listens_for(Session, "after_flush")
def _mark_flushed(session, _flush_context) -> None:
    session.info["flushed"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_flushed(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended: committed or rolled back
        session.info.pop("flushed", None)
        session.info.pop("writing", None)


def hold(*names: str) -> None:
    """Take the locks ``names`` for the rest of the current transaction (in sorted order,
    so two transactions wanting the same locks never deadlock).

    Call it before the transaction writes anything. On SQLite a transaction that has
    only read is ended first: its snapshot may predate the previous holder's commit,
    and SQLite refuses to turn such a reader into a writer. SQLite also has a single
    writer: the first lock row written takes the database's write lock, which excludes
    every other holder of any lock, so one row is enough there, and a transaction that
    already took it holds them all.
    """
    session = db.session
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite and session.info.get("writing"):
        return
    _refuse_if_written(session)
    names = sorted(set(names))
    if sqlite:
        session.rollback()
        names = names[:1]
        session.info["writing"] = True
    for name in names:
        take = update(NamedLock).where(NamedLock.name == name).values(taken=NamedLock.taken + 1)
        if session.execute(take).rowcount == 0:  # the first use of this name
            insert_if_absent(NamedLock, name=name, taken=0)
            session.execute(take)


def rows(statement: Select, params: dict | None = None) -> Result:
    """Run ``statement`` with its rows locked for the rest of the transaction.

    PostgreSQL locks each row as the statement returns it, returning its latest committed
    version (``FOR NO KEY UPDATE``: the lock an UPDATE takes, which still lets others
    insert rows that refer to it). Order the statement by key: transactions then take
    overlapping locks in one order and never deadlock. SQLite becomes the single writer
    first, as :func:`hold` does.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        hold("writer")
        return db.session.execute(statement, params)
    return db.session.execute(statement.with_for_update(key_share=True), params)


def _refuse_if_written(session: Session) -> None:
    if session.new or session.dirty or session.deleted or session.info.get("flushed"):
        raise RuntimeError("take the lock before changing anything in the transaction")

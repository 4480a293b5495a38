"""product search: a search_text column and its substring index per database

Revision ID: 0005_product_search
Revises: 0004_catalog
Create Date: 2026-11-27 02:10:00

SQLite gets an FTS5 table with the trigram tokenizer over products.search_text, kept in
step by triggers; PostgreSQL a pg_trgm GIN index, which serves LIKE '%term%'. Note for
later migrations: a batch (table-rebuilding) change to ``products`` on SQLite drops the
triggers, so such a migration must create them again.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_product_search'
down_revision = '0004_catalog'
branch_labels = None
depends_on = None

SEARCHED = ("sku", "name", "name_zh", "description", "description_zh")

SQLITE = [
    "CREATE VIRTUAL TABLE products_search USING fts5(search_text, content='products', content_rowid='id', "
    "tokenize='trigram')",
    "INSERT INTO products_search(products_search) VALUES ('rebuild')",
    "CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN "
    "INSERT INTO products_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN "
    "INSERT INTO products_search(products_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER products_search_update AFTER UPDATE OF search_text ON products BEGIN "
    "INSERT INTO products_search(products_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO products_search(rowid, search_text) VALUES (new.id, new.search_text); END",
]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_products_search_trgm ON products USING gin (search_text gin_trgm_ops)",
]


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    bind = op.get_bind()
    products = sa.table('products', sa.column('id', sa.Integer), *(sa.column(c, sa.Text) for c in SEARCHED),
                        sa.column('search_text', sa.Text))
    rows = bind.execute(sa.select(products.c.id, *(products.c[c] for c in SEARCHED))).all()
    if rows:
        bind.execute(products.update().where(products.c.id == sa.bindparam('_id'))
                     .values(search_text=sa.bindparam('text')),
                     [{'_id': r[0], 'text': " ".join(v or "" for v in r[1:]).casefold()} for r in rows])
    for statement in SQLITE if bind.dialect.name == 'sqlite' else POSTGRESQL:
        op.execute(statement)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for name in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER products_search_{name}")
        op.execute("DROP TABLE products_search")
    else:
        op.execute("DROP INDEX ix_products_search_trgm")
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('search_text')

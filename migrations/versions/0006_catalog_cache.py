"""the catalog's cache generation

Revision ID: 0006_catalog_cache
Revises: 0005_product_search
Create Date: 2026-11-27 02:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_catalog_cache'
down_revision = '0005_product_search'
branch_labels = None
depends_on = None


def upgrade():
    op.bulk_insert(sa.table('cache_generations', sa.column('name', sa.String), sa.column('value', sa.Integer)),
                   [{'name': 'catalog', 'value': 0}])


def downgrade():
    op.execute("DELETE FROM cache_generations WHERE name = 'catalog'")

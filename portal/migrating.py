"""What schema comparison (autogenerate, and the migrations test) must leave alone."""

# Search indexes that migration 0005 creates per database, which the models cannot describe.
HAND_MADE = ("products_search", "ix_products_search_trgm")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (name or "").startswith(HAND_MADE)

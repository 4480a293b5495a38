"""Shapes of the short codes the domains share (product lines label products and deals)."""

import re

PRODUCT_LINE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")

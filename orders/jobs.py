"""Scheduled jobs of ordering."""

from orders.service import cancel_unpaid

JOBS = {"cancel-unpaid-orders": cancel_unpaid}

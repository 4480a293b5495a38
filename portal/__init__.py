"""The channel partner portal: ``create_app`` builds it."""

from portal.app import create_app

__all__ = ["create_app"]

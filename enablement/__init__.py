"""Enablement: materials marketing publishes to partners, and the campaigns that push them."""

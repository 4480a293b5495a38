"""Orders: placement at the partner's prices, stock reservation, payment and delivery."""

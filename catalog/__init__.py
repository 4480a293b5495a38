"""The catalog: products, partner pricing and live stock per warehouse."""

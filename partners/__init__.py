"""Partner organisations, their tiers and territories, and their people."""

"""Deal registration: first come, first protected, within the partner's territory."""

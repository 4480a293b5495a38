"""In-app notifications (and email, when an SMTP server is configured)."""

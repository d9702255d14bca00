"""E-mail deliveries of the inbox in the admin, failures first (issue 14 §2)."""

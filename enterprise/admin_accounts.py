"""Entity accounts and activation letters in the admin (issue 14 §1)."""

"""The entity side in the admin: accounts and activation letters (``admin_accounts``), the inbox's
e-mail deliveries (``admin_inbox``)."""

from enterprise import admin_accounts, admin_inbox  # noqa: F401  (each module registers its models)

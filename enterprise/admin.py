"""The entity side in the admin: accounts and activation letters (``admin_accounts``), the inbox's
e-mail deliveries (``admin_inbox``).

django-otp registers its TOTP devices in the admin, in English (it has no Chinese translation). A
liaison's second factor is theirs to turn on and off (/enterprise/account/); officials revoke the
account instead. So the device admin is taken out of the Chinese admin."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from enterprise import admin_accounts, admin_inbox  # noqa: F401  (each module registers its models)

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)

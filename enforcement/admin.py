"""Admin (in Chinese) for enforcement, scoped to the official's department; every change goes through services."""

from django.contrib import admin  # noqa: F401

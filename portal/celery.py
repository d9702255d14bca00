"""Celery app. Schedules live in the database (django-celery-beat); see core/migrations."""

import os

from celery import Celery

import core.heartbeat
import core.jobs  # connects the task_prerun handler: database timeouts per job

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Issue 11 §2: the worker's heartbeat for /readyz; core.jobs sets each job's database timeouts.
app.steps["worker"].add(core.heartbeat.Heartbeat)

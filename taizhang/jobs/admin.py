"""The queue's own table is not for the office: a job's page (jobs:detail) says what it did,
and nothing a clerk does needs the admin."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)

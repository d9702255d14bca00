import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.dbroles import app_role_grant


class Command(BaseCommand):
    help = (
        "以数据表所有者身份运行（migrate 之后）：创建应用数据库角色并授权；审计表仅 INSERT、SELECT / grant the app role"
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", default=settings.DATABASE_APP_ROLE, help="应用角色名（默认 DATABASE_APP_ROLE）")
        parser.add_argument(
            "--password", default=None, help="设置该角色的口令（默认取环境变量 DATABASE_APP_PASSWORD；未设则不改）"
        )

    def handle(self, *args, role, password, **options):
        try:
            done = app_role_grant(role=role, password=password or os.environ.get("DATABASE_APP_PASSWORD") or None)
        except ValueError as exc:
            raise CommandError(str(exc))
        verb = "已创建并授权" if done["created"] else "已授权"
        tables = "、".join(done["append_only"]) or "无"
        self.stdout.write(
            self.style.SUCCESS(
                f"应用角色 {done['role']} {verb}（数据库 {done['database']}，所有者 {done['owner']}；只追加表 {tables} 仅 INSERT、SELECT）"
            )
        )

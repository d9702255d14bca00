import urllib.parse

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_age, backup_restore


class Command(BaseCommand):
    help = "从 manage.py backup 的目录恢复到一个空数据库（先校验全部 SHA-256）/ restore a backup into an empty database"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="备份目录（含 manifest.json）")
        parser.add_argument(
            "--database-url", default=None, help="目标数据库（默认为 DATABASE_URL 所指的库）；必须为空库"
        )
        parser.add_argument("--force", action="store_true", help="媒体目录或审计锚点目录非空时仍然覆盖")

    def handle(self, *args, **options):
        try:
            result = backup_restore(folder=options["folder"], url=options["database_url"], force=options["force"])
        except BackupError as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        manifest = result.manifest
        url = options["database_url"]
        target_env = f"DATABASE_URL={_without_password(url)} " if url else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成：{result.target}，来自 {backup_age(manifest)} 的备份"
                f"（最新审计事件 #{manifest['latest_audit_event_id'] or '-'}）\n"
                f"  pg_restore：{result.pg_restore.path}（{result.pg_restore.source}）；"
                f"媒体文件 {result.media_files} 个、审计锚点文件 {result.anchor_files} 个已恢复\n"
                "下一步 / next:\n"
                f"  {target_env}python manage.py verify_audit        # 审计链与锚点核对\n"
                f"  {target_env}python manage.py migrate             # 代码比备份新时补齐迁移\n"
                f"  {target_env}python manage.py grant_app_role      # 重建应用角色的权限（恢复不带权限）"
            )
        )


def _without_password(url: str) -> str:
    """The URL to print: a password is shown as ``***`` (stdout ends up in logs)."""
    parts = urllib.parse.urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))

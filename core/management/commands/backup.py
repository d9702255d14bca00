from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "备份：数据库（pg_dump -Fc）、媒体文件与审计锚点写入一个带日期的目录，附 SHA-256 清单 / back up"

    def add_arguments(self, parser):
        parser.add_argument("--out", default=None, help="备份存放目录（默认 var/backups）")

    def handle(self, *args, **options):
        try:
            result = backup_create(out_dir=Path(options["out"]) if options["out"] else None)
        except BackupError as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        manifest = result.manifest
        size = sum(f["size"] for f in manifest["files"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{result.folder}\n"
                f"  数据库 {manifest['database']}（PostgreSQL {manifest['server_version']}），"
                f"最新审计事件 #{manifest['latest_audit_event_id'] or '-'}\n"
                f"  pg_dump：{result.pg_dump.path}（{result.pg_dump.source}，{result.pg_dump.version}）\n"
                f"  {len(manifest['files'])} 个文件，共 {size} 字节，SHA-256 见 manifest.json\n"
                f"Backup written: {result.folder}"
            )
        )

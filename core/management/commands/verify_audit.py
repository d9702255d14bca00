from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计日志哈希链，报告第一个断裂处"

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"审计链在事件 #{report.broken_at} 处断裂：{report.reason}（已校验 {report.checked} 条）")
        self.stdout.write(self.style.SUCCESS(f"审计链完整：已校验 {report.checked} 条事件"))

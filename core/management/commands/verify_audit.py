from django.core.management.base import BaseCommand, CommandError

from core.anchors import anchor_path, audit_verify


class Command(BaseCommand):
    help = "校验审计日志哈希链（AUDIT_KEY 密钥）并与链外锚点核对，报告断裂、篡改与截断 / verify the audit chain and its anchors"

    def handle(self, *args, **options):
        check = audit_verify()
        if not check.ok:
            lines = "\n".join(f"  - {p}" for p in check.problems)
            # CommandError: manage.py exits with status 1.
            raise CommandError(
                f"审计链校验未通过 / audit chain verification FAILED（已校验 {check.checked} 条事件、{check.anchors} 个锚点"
                f" / {check.checked} events, {check.anchors} anchors checked）：\n{lines}"
            )
        legacy = (
            f"，其中 {check.legacy} 条为启用密钥前的旧事件（SHA-256）/ {check.legacy} legacy" if check.legacy else ""
        )
        anchors = f"{check.anchors} 个锚点一致（{anchor_path()}）" if check.anchors else f"尚无锚点（{anchor_path()}）"
        self.stdout.write(
            self.style.SUCCESS(
                f"审计链完整：已校验 {check.checked} 条事件{legacy}；{anchors}"
                f"\nAudit chain intact: {check.checked} events, {check.anchors} anchors match, head #{check.head_id or '-'}"
            )
        )

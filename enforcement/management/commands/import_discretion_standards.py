"""manage.py import_discretion_standards FILE --department CODE [--user USERNAME]: all or nothing, errors by 第N行."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from enforcement import imports
from supervision.models import Department


class Command(BaseCommand):
    help = "从 XLSX 或 CSV 文件导入某部门的自由裁量基准（列名见导入模板）；任何一行有误则不保存任何数据"

    def add_arguments(self, parser):
        parser.add_argument("file", help="XLSX 或 CSV（UTF-8 或 GB18030）文件，第1行为列名")
        parser.add_argument("--department", required=True, help="制定部门代码，如 ZZSJ")
        parser.add_argument("--user", help="以该工作人员的身份导入（审计记录为此人）；不填则记为 task:import")

    def handle(self, *args, file, department, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        dept = Department.objects.filter(code=department).first()
        if dept is None:
            raise CommandError(f"部门代码“{department}”不存在")
        actor = "task:import"
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户“{user}”不存在")
        try:
            parsed = imports.parse(path.read_bytes(), path.name)
        except imports.ImportFileError as exc:
            raise CommandError(str(exc))
        try:
            result = imports.push(parsed.rows, actor=actor, department=dept)
        except ValidationError as exc:
            for line in exc.messages:
                self.stdout.write(line)
            raise CommandError(f"导入未完成：共 {len(exc.messages)} 处错误，未保存任何数据")
        self.stdout.write(self.style.SUCCESS(
            f"导入完成：{dept.name}，新增 {result['created']} 条，更新 {result['updated']} 条，未变化 {result['unchanged']} 条。"
        ))

"""manage.py import_roster entities|inspectors|items FILE [--user USERNAME]: all-or-nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from supervision.resources import InspectorResource, MarketEntityResource, SupervisionItemResource, import_file

RESOURCES = {"entities": MarketEntityResource, "inspectors": InspectorResource, "items": SupervisionItemResource}


class Command(BaseCommand):
    help = "从 CSV 或 XLSX 文件导入市场主体（entities）、执法检查人员（inspectors）或监管事项（items）；有任何一行出错则不保存任何数据"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES), help="导入的名录")
        parser.add_argument("file", help="CSV（UTF-8 或 GB18030）或 XLSX 文件，第1行为列名")
        parser.add_argument(
            "--user", help="以该工作人员的身份导入（审计记录为此人，并按其部门限定）；不填则记为 task:import"
        )
        parser.add_argument("--format", choices=["csv", "xlsx"], help="文件格式；不填则按扩展名判断")

    def handle(self, *args, kind, file, user=None, format=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        fmt = format or path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError(f"无法从扩展名判断文件格式“{path.suffix}”，请用 --format csv 或 --format xlsx")
        importer = None
        if user:
            try:
                importer = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"用户“{user}”不存在")
        ok, report = import_file(RESOURCES[kind], path, fmt, importer)
        for line in report:
            self.stdout.write(line if not ok else self.style.SUCCESS(line))
        if not ok:
            raise CommandError(f"导入未完成：共 {len(report)} 处错误，未保存任何数据")

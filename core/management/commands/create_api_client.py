from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core import services


class Command(BaseCommand):
    help = "创建接口客户端并打印其密钥（只显示一次）"

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--department", required=True, help="部门代码，如 ZZSJ")
        parser.add_argument("--scopes", required=True, help="逗号分隔，如 credit:read,records:write")

    def handle(self, *args, name, department, scopes, **options):
        Department = apps.get_model(settings.DEPARTMENT_MODEL)
        dept = Department.objects.filter(code=department).first()
        if dept is None:
            raise CommandError(f"部门代码“{department}”不存在")
        try:
            client, key = services.api_client_create(
                actor="system:create_api_client",
                name=name,
                department=dept,
                scopes=[s.strip() for s in scopes.split(",") if s.strip()],
            )
        except ValidationError as exc:
            raise CommandError("；".join(m for msgs in exc.message_dict.values() for m in msgs))
        self.stdout.write(
            f"已创建接口客户端 #{client.pk} {client.name}（{dept.name}），权限：{', '.join(client.scopes)}"
        )
        self.stdout.write("密钥（仅显示这一次，请妥善保存）：")
        self.stdout.write(key)

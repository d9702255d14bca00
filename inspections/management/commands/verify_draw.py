"""``manage.py verify_draw ID``: recompute a draw from its seed and population file (DOMAIN §4); for
a ``hmac-sha256-v2`` draw also the commitment (SHA-256 of the seed share) and the seed derived from
the seed share and the public value."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from inspections import services
from inspections.models import Draw


class Command(BaseCommand):
    help = (
        "按随机种子和名录文件重算一次摇号，核对名录文件哈希、各层数量、摇中主体和检查人员 HMAC 值；"
        "hmac-sha256-v2 摇号另核对种子份额承诺值和由种子份额、公开随机数导出的种子。不一致时退出码为 1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("draw_id", metavar="ID", help="摇号记录编号")

    def handle(self, *args, draw_id, **options):
        if not str(draw_id).isdigit():
            raise CommandError(f"摇号记录编号应为数字：{draw_id}", returncode=1)
        draw = Draw.objects.select_related("plan", "commitment").filter(pk=int(draw_id)).first()
        if draw is None:
            raise CommandError(f"没有编号为 {draw_id} 的摇号记录", returncode=1)
        out = self.stdout
        out.write(f"摇号记录：#{draw.pk}（{draw.algorithm}）{'，已被重新摇号取代' if draw.superseded else ''}")
        out.write(f"抽查计划：{draw.plan}（#{draw.plan_id}）")
        out.write(f"摇号时间：{timezone.localtime(draw.drawn_at):%Y-%m-%d %H:%M:%S}")
        if draw.reason:
            out.write(f"摇号理由：{draw.reason}")
        if draw.commitment_id is not None:
            c = draw.commitment
            out.write(f"摇号承诺：#{c.pk}，公布于 {timezone.localtime(c.committed_at):%Y-%m-%d %H:%M:%S}")
            out.write(f"种子份额承诺值（SHA-256）：{c.seed_share_sha256}")
            out.write(f"公开随机数来源：{c.public_value_source}")
            out.write(f"公开随机数：{c.public_value}（{timezone.localtime(c.public_value_at):%Y-%m-%d %H:%M:%S} 录入）")
            out.write("随机种子 = HMAC-SHA256(种子份额, 公开随机数)：" + draw.seed)
        else:
            out.write(f"随机种子：{draw.seed}")
        out.write(f"名录文件哈希（SHA-256）：{draw.population_sha256}")
        out.write(f"名录主体数：{draw.population_size}")
        for s in draw.strata:
            out.write(f"  {s['stratum']} 类：{s['size']} 户，比例 {s['ratio']}，抽中 {s['selected']} 户")
        report = services.verify_draw(draw)
        out.write(f"重算：名录 {report['population']} 户，抽中 {report['selected']} 户")
        if report["ok"]:
            out.write(self.style.SUCCESS("校验通过"))
            return
        for problem in report["problems"]:
            out.write(self.style.ERROR(f"不一致：{problem}"))
        raise CommandError(f"摇号 #{draw.pk} 校验未通过（{len(report['problems'])} 项不一致）", returncode=1)

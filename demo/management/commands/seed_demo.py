"""``manage.py seed_demo``: a realistic, idempotent demo city (郑州市).

A thin command: it seeds each domain app's demo data in dependency order (supervision, credit,
inspections, enforcement; demo/<app>.py) and prints what each part added. Running it again adds
nothing; everything is deterministic (fixed seeds).
"""

from django.core.management.base import BaseCommand

from demo.credit import seed_credit_demo
from demo.enforcement import seed_enforcement_demo
from demo.enterprise import seed_enterprise_demo
from demo.enterprise_reports import seed_annual_reports
from demo.inspections import seed_inspections_demo
from demo.oversight import seed_oversight_demo
from demo.supervision import seed_supervision_demo


class Command(BaseCommand):
    help = "载入郑州市演示数据（可重复运行，不会重复创建）"

    def add_arguments(self, parser):
        parser.add_argument("--entities", type=int, default=2000, help="市场主体数量（默认 2000）")

    def handle(self, *args, entities, **options):
        stats = seed_supervision_demo(entities=entities)
        self.stdout.write(self.style.SUCCESS("郑州市演示数据已就绪："))
        for label, value in stats.items():
            text = f"新增 {value[0]}，共 {value[1]}" if isinstance(value, tuple) else f"共 {value}"
            self.stdout.write(f"  {label}：{text}")
        # The annual reports before the first risk scan (the credit demo's), which proposes 经营异常名录 for a missing one.
        seed_annual_reports(stdout=self.stdout)
        # Then the apps that build on supervision, in the order of their imports (credit before the others).
        seed_credit_demo(stdout=self.stdout)
        seed_inspections_demo(stdout=self.stdout)
        seed_enforcement_demo(stdout=self.stdout)
        seed_enterprise_demo(stdout=self.stdout)  # the entity side (企业端 accounts, filings, inbox)
        # Last, over everything above: the daily figures behind the dashboard, and 履职评估 (issue 17).
        seed_oversight_demo(stdout=self.stdout)

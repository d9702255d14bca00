"""manage.py evaluate_credit --all | --uscc CODE [CODE ...]: re-grade entities now (set-based SQL)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from core import uscc
from credit.choices import Grade
from credit.evaluation import evaluate
from credit.models import EntityCredit
from supervision.models import MarketEntity


class Command(BaseCommand):
    help = (
        "重新评价市场主体的信用等级、信用分、评价理由和风险分类：--all 为全部市场主体，--uscc 为指定的统一社会信用代码"
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", dest="everyone", help="全量重新评价名录库中的全部市场主体")
        parser.add_argument(
            "--uscc", nargs="+", default=[], dest="codes", metavar="CODE", help="只评价这些统一社会信用代码（可填多个）"
        )

    def handle(self, *args, everyone=False, codes=(), **options):
        if everyone == bool(codes):
            raise CommandError("请指定 --all（全部市场主体）或 --uscc 代码（一个或多个），二者选一")
        if everyone:
            result = evaluate()
        else:
            codes = self.clean(codes)
            known = set(MarketEntity.objects.filter(uscc__in=codes).values_list("uscc", flat=True))
            missing = [c for c in codes if c not in known]
            if missing:
                self.stdout.write(self.style.WARNING(f"名录库中没有以下代码的市场主体，未评价：{'、'.join(missing)}"))
            if not known:
                return
            result = evaluate(sorted(known))
        self.stdout.write(
            self.style.SUCCESS(
                f"已评价 {result.evaluated:,} 个市场主体（评价模型 v{result.model_version}），"
                f"等级或信用分变化 {result.changed:,} 个，更新 {result.updated:,} 个，用时 {result.seconds:.2f} 秒"
            )
        )
        if everyone:
            counts = self.grade_counts()
            total = sum(counts.values()) or 1
            self.stdout.write(
                "  "
                + "、".join(
                    f"{Grade(g).label} {counts.get(g, 0):,}（{counts.get(g, 0) * 100 / total:.1f}%）"
                    for g in Grade.values
                )
            )

    @staticmethod
    def grade_counts() -> dict:
        return {
            row["grade"]: row["n"]
            for row in EntityCredit.objects.values("grade").annotate(n=Count("entity")).order_by()
        }

    @staticmethod
    def clean(codes) -> list[str]:
        cleaned, errors = [], []
        for raw in codes:
            code = uscc.normalize(raw)
            problem = uscc.problems(code)
            if problem and not uscc.is_verified_exception(code):
                errors.append(problem)
            cleaned.append(code)
        if errors:
            raise CommandError("统一社会信用代码有误，未评价任何主体：" + " ".join(errors))
        return list(dict.fromkeys(cleaned))

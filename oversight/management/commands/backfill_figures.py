"""``manage.py backfill_figures --from 2026-01-01 --to 2026-11-30``: recompute the daily figures of past
days from the stored facts (issue 17 §1), one calendar month per transaction, so memory and the
transaction stay small whatever the range. A rerun gives the same rows."""

import datetime as dt
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from oversight.services import daily_figures_compute

ACTOR = "command:backfill_figures"


def parse_day(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} 的日期“{value}”无效，请按 YYYY-MM-DD 填写，如 2026-01-31") from None


def month_chunks(start: dt.date, end: dt.date):
    """``[start, end]`` cut at month ends: (first, last) of each calendar month it touches."""
    first = start
    while first <= end:
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        last = min(end, following - dt.timedelta(days=1))
        yield first, last
        first = following


class Command(BaseCommand):
    help = "按已存储的数据补算（重算）一段日期的每日统计快照，按自然月分批提交；重复运行结果相同。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="开始日期（含），YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="结束日期（含），YYYY-MM-DD，最晚为昨天")

    def handle(self, *args, **options):
        start = parse_day(options["start"], "--from")
        end = parse_day(options["end"], "--to")
        if start > end:
            raise CommandError(f"--from（{start}）晚于 --to（{end}）：开始日期不能晚于结束日期")
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        if end > yesterday:
            raise CommandError(f"--to（{end}）尚未结束：只能补算 {yesterday}（昨天）及以前的日期")
        days = (end - start).days + 1
        self.stdout.write(f"补算 {start} 至 {end} 的每日统计，共 {days} 天，按月分批")
        started, done, rows = time.perf_counter(), 0, 0
        for first, last in month_chunks(start, end):
            t = time.perf_counter()
            try:
                result = daily_figures_compute(start=first, end=last, actor=ACTOR)
            except ValidationError as error:
                raise CommandError("；".join(error.messages)) from error
            done += (last - first).days + 1
            rows += result.total
            self.stdout.write(
                f"  {first} 至 {last}：{result.total:,} 行，{time.perf_counter() - t:.1f} 秒（已完成 {done}/{days} 天）"
            )
        self.stdout.write(
            self.style.SUCCESS(f"完成：{days} 天，共 {rows:,} 行，用时 {time.perf_counter() - started:.1f} 秒")
        )

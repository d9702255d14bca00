"""The nightly bulk files (issue 15 §2): one row per file written, for the /open-data/ index."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OpenDataFile(models.Model):
    """A bulk open-data file (开放数据文件) of one dataset, one day and one format."""

    class Format(models.TextChoices):
        CSV = "csv.gz", _("CSV（gzip，UTF-8 带 BOM）")
        JSONL = "jsonl.gz", _("JSON Lines（gzip）")

    dataset = models.CharField(_("数据集"), max_length=40)
    day = models.DateField(_("数据日期"))
    format = models.CharField(_("格式"), max_length=10, choices=Format.choices)
    filename = models.CharField(_("文件名"), max_length=200, unique=True)
    rows = models.BigIntegerField(_("行数"))
    size = models.BigIntegerField(_("字节数"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    seconds = models.FloatField(_("生成耗时（秒）"), default=0)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("开放数据文件")
        verbose_name_plural = _("开放数据文件")
        ordering = ["-day", "dataset", "format"]
        constraints = [models.UniqueConstraint(fields=["dataset", "day", "format"], name="open_data_file_once_a_day")]

    def __str__(self):
        return self.filename

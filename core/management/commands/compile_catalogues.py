"""Compile every translation catalogue (``*.po`` → ``*.mo``) under the project's LOCALE_PATHS.

Pure Python (polib), so ``make run`` and ``make test`` need no GNU gettext on the machine; Django's
own ``compilemessages`` needs ``msgfmt``. Only catalogues newer than their ``.mo`` are rebuilt.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "编译翻译目录（locale/*/LC_MESSAGES/*.po → .mo），不依赖 GNU gettext"

    def handle(self, *args, **options):
        compiled = 0
        for base in settings.LOCALE_PATHS:
            for po_path in sorted(Path(base).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                try:
                    catalogue = polib.pofile(str(po_path))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"翻译目录 {po_path} 无法读取：{exc}") from exc
                catalogue.save_as_mofile(str(mo_path))
                compiled += 1
        if options["verbosity"] > 1 or compiled:
            self.stdout.write(f"已编译 {compiled} 个翻译目录")

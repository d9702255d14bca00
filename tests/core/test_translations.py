"""The English catalogue covers every public string (issue 18 §2).

Django's ``makemessages`` extracts every marked string into a temporary copy of the locale tree (the committed
catalogue is never rewritten by a test); the test fails listing each msgid that comes from a public template or a
public Python module and has no English in any catalogue of LOCALE_PATHS (``locale/``), and on any fuzzy entry (a fuzzy entry
is not used: the page would be Chinese).

Public means what a citizen, a foreign investor or an entity's liaison reads: every template except the admin's,
the inspectors' field app and the admin's own page under ``enterprise/``; and the Python modules listed below
(views, public forms, the choices whose labels public pages show, the messages of public services). The admin and
the field app stay Chinese by design (core.middleware.ChineseFirstLocaleMiddleware), so their strings are not
required in English.
"""

import os
import shutil

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

from tests.helpers import BASE_DIR

NOT_PUBLIC_TEMPLATES = ("templates/admin/", "templates/field/", "templates/enterprise/admin_letter_issue.html")
PUBLIC_MODULES = (
    "core/forms.py",
    "core/uscc.py",
    "core/views.py",
    "credit/choices.py",
    "credit/display_text.py",
    "credit/filters.py",
    "credit/filings.py",
    "credit/forms_public.py",
    "credit/services/list_exits.py",
    "credit/views.py",
    "credit/views_acts.py",
    "credit/views_done.py",
    "credit/views_exits.py",
    "credit/views_filings.py",
    "credit/views_links.py",
    "enforcement/choices.py",
    "enforcement/early_stop.py",
    "enforcement/filters.py",
    "enforcement/forms.py",
    "enforcement/views.py",
    "enforcement/views_early_stop.py",
    "enterprise/forms_accounts.py",
    "enterprise/forms_declarations.py",
    "enterprise/forms_filings.py",
    "enterprise/forms_reports.py",
    "enterprise/views.py",
    "enterprise/views_accounts.py",
    "enterprise/views_corrections.py",
    "enterprise/views_declarations.py",
    "enterprise/views_file.py",
    "enterprise/views_filings.py",
    "enterprise/views_inbox.py",
    "enterprise/views_reports.py",
    "inspections/choices.py",
    "inspections/views.py",
    "opendata/views_dumps.py",
    "supervision/annual_reports.py",
    "supervision/views.py",
)
# Extraction skips what is not the portal's (the virtualenv is a symlink, never followed) and the tests.
COMMITTED = BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
SEEN = {}
IGNORE = ["tests", "bench", "demo", "locale", "static", "node_modules", "docs", "deploy"]


def is_public(path: str) -> bool:
    path = path.replace(os.sep, "/").removeprefix("./")
    if path.startswith("templates/"):
        return not path.startswith(NOT_PUBLIC_TEMPLATES)
    return path in PUBLIC_MODULES


def translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def catalogues() -> list[polib.POFile]:
    return [polib.pofile(str(po)) for base in settings.LOCALE_PATHS for po in sorted(base.glob("en/LC_MESSAGES/*.po"))]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI 环境缺少 GNU gettext（xgettext）：未翻译检查不能跳过（make test 以 root 运行时会自动安装）")
        pytest.skip("未安装 GNU gettext（apt-get install gettext），跳过未翻译检查")
    # makemessages writes into the project's own locale/ when it runs in the project: run it instead in a
    # temporary tree that links the source folders (followed with symlinks=True) and has its own locale/.
    SEEN["committed"] = COMMITTED.read_bytes()
    root = tmp_path_factory.mktemp("extract")
    for folder in BASE_DIR.iterdir():
        if folder.is_dir() and not folder.name.startswith(".") and folder.name not in IGNORE and folder.name != "var":
            (root / folder.name).symlink_to(folder, target_is_directory=True)
    locale = root / "locale"
    locale.mkdir()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with override_settings(LOCALE_PATHS=[locale]):
            call_command(
                "makemessages", locale=["en"], ignore_patterns=IGNORE, symlinks=True, no_obsolete=True, verbosity=0
            )
    finally:
        os.chdir(cwd)
    catalogue = locale / "en" / "LC_MESSAGES" / "django.po"
    assert catalogue.exists(), "makemessages 未生成翻译目录"
    return polib.pofile(str(catalogue))


def test_extraction_leaves_the_committed_catalogue_alone(extracted):
    assert COMMITTED.read_bytes() == SEEN["committed"]


def test_public_templates_and_modules_are_in_the_set():
    for path in PUBLIC_MODULES:
        assert (BASE_DIR / path).exists(), path
    assert is_public("templates/enforcement/penalty_list.html")
    assert is_public("templates/enterprise/home.html")
    assert not is_public("templates/admin/index.html") and not is_public("templates/field/task_list.html")
    assert not is_public("credit/admin/records.py")


def test_every_public_string_has_english(extracted):
    english = {}
    for po in catalogues():
        for entry in po:
            if entry.msgid and translated(entry) and not entry.fuzzy and not entry.obsolete:
                english[(entry.msgctxt, entry.msgid)] = entry
    missing = []
    for entry in extracted:
        places = [f"{path}:{line}" for path, line in entry.occurrences if is_public(path)]
        if places and (entry.msgctxt, entry.msgid) not in english:
            missing.append(f"{places[0]}  {entry.msgid!r}")
    assert not missing, f"{len(missing)} 条公开页面文字没有英文（locale/en/LC_MESSAGES/django.po）：\n" + "\n".join(
        missing
    )


def test_no_catalogue_has_fuzzy_or_broken_entries():
    problems = []
    for po in catalogues():
        for entry in po:
            if entry.fuzzy and not entry.obsolete:
                problems.append(f"{po.fpath}: fuzzy {entry.msgid!r}")
    assert not problems, "\n".join(problems)


def test_dockerfile_compiles_the_catalogues():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "manage.py compile_catalogues" in dockerfile
    assert dockerfile.index("compile_catalogues") > dockerfile.index("COPY . .")


def test_translations_keep_their_placeholders():
    """%(name)s, {name} and %s must survive translation (msgfmt --check does the same for python-format)."""
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
    broken = []
    for po in catalogues():
        for entry in po:
            if not translated(entry) or entry.obsolete:
                continue
            wanted = sorted(pattern.findall(entry.msgid))
            texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            for text in texts:
                got = sorted(pattern.findall(text))
                if got != wanted and not (entry.msgid_plural and set(got) <= set(wanted)):
                    broken.append(f"{po.fpath}: {entry.msgid!r} → {text!r}")
    assert not broken, "\n".join(broken)

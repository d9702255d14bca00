"""The admin is Chinese for Chinese users (issue 18 §1.6): every registered model's names, fields,
help texts, list columns and filters, and the pages an official sees, third-party apps included
(django-axes, django-celery-beat, auth groups), even when the browser asks for English."""

import re
from html import unescape

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import translation

# Labels that are the same in Chinese writing: codes and standard abbreviations.
ALLOWED = {"ID", "SHA-256", "IP", "URL", "USCC", "JSON", "CSV", "XLSX", "PDF", "API", "TOTP", "HMAC"}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE_CHARS = re.compile(r"[._:/=@\d\"'\[\]{}()-]")  # dotted paths, codes, JSON examples, dates


@pytest.fixture(scope="module", autouse=True)
def _catalogues():
    call_command("compile_catalogues", verbosity=0)


def english(text) -> bool:
    """ASCII-only wording (no Chinese at all) that is not an allowed code."""
    text = str(text or "").strip()
    return bool(text) and not CJK.search(text) and bool(LATIN_WORD.search(text)) and text not in ALLOWED


def admin_labels():
    with translation.override("zh-hans"):
        for model, model_admin in admin.site._registry.items():
            opts = model._meta
            yield opts.label, "app", apps.get_app_config(opts.app_label).verbose_name
            yield opts.label, "verbose_name", opts.verbose_name
            yield opts.label, "verbose_name_plural", opts.verbose_name_plural
            for field in opts.get_fields():
                if field.auto_created and not field.concrete:
                    continue
                yield opts.label, f"{field.name} label", getattr(field, "verbose_name", "")
                yield opts.label, f"{field.name} help_text", getattr(field, "help_text", "")
            for column in model_admin.list_display:
                if column != "action_checkbox":
                    yield opts.label, f"column {column}", label_for_field(column, model, model_admin)
            for list_filter in model_admin.list_filter:
                title = getattr(list_filter, "title", None) if isinstance(list_filter, type) else None
                if title is not None:
                    yield opts.label, f"filter {list_filter}", title
            for _func, name, description in model_admin._get_base_actions():
                yield opts.label, f"action {name}", description


def test_every_admin_label_is_chinese():
    found = [(label, where, str(text)) for label, where, text in admin_labels() if english(text)]
    assert found == [], "English in the admin: " + "; ".join(f"{m} {w}: {t!r}" for m, w, t in found)


def visible_english(html: str) -> dict[str, str]:
    """English words a person reads on an admin page: text between tags, titles, labels for screen
    readers and button captions. Identifiers and codes are data, not wording: dotted task paths
    (core.tasks.x), codes (P-GOV-PROCUREMENT, snake_case), URLs and e-mail addresses are skipped."""
    html = re.sub(r"(?s)<!--.*?-->", " ", html)
    html = re.sub(r"(?s)<(script|style|code|pre|textarea|select)\b.*?</\1>", " ", html)
    html = unescape(html)
    texts = re.findall(r">([^<>]+)<", html)
    texts += re.findall(r'(?:title|placeholder|aria-label)="([^"]*)"', html)
    texts += re.findall(r'<input[^>]*type="(?:submit|button)"[^>]*value="([^"]*)"', html)
    words = {}
    for text in texts:
        for token in text.split():
            if CJK.search(token) or CODE_CHARS.search(token) or token.isupper() or token in ALLOWED:
                continue
            for word in LATIN_WORD.findall(token):
                words.setdefault(word, text.strip()[:80])
    return words


@pytest.fixture
def superuser(django_user_model, db):
    return django_user_model.objects.create_superuser("root", "root@example.gov.cn", "Root-12345-pass")


# Key names in Django's own Chinese help text (按住 Control 键，或者 Mac 上的 Command 键), technical names.
PAGE_ALLOWED = ALLOWED | {
    "Control",
    "Command",
    "Mac",
    "Crontab",
    "cron",
    "UTC",
    "Asia",
    "Shanghai",
    "root",
    "gzip",
    "Lines",
}


@pytest.mark.parametrize("accept", ["zh-CN", "en-US,en;q=0.9"])
def test_admin_pages_show_no_english(client, superuser, accept):
    client.force_login(superuser)
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        for view in ("changelist", "add"):
            try:
                pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}"))
            except NoReverseMatch:
                pass
    problems = {}
    for page in pages:
        response = client.get(page, HTTP_ACCEPT_LANGUAGE=accept, follow=True)
        if response.status_code != 200:
            continue  # an add page the admin refuses (read-only models) has nothing to read
        words = {w: t for w, t in visible_english(response.content.decode()).items() if w not in PAGE_ALLOWED}
        if words:
            problems[page] = sorted(set(words.values()))
    assert problems == {}, "\n".join(f"{page}: {words}" for page, words in problems.items())


def test_javascript_catalogue_of_the_admin_is_chinese(client, superuser):
    """filter_horizontal's "Choose all", "Remove selected" come from Django's JavaScript catalogue."""
    client.force_login(superuser)
    response = client.get(reverse("admin:jsi18n"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert response.status_code == 200
    assert "全选" in body or "\\u5168\\u9009" in body  # "Choose all"
    assert "移除所选" in body or "\\u79fb\\u9664\\u6240\\u9009" in body  # "Remove selected %s"

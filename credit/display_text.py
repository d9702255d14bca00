"""Texts stored as data, shown in the reader's language (issue 18 §2).

Grade labels and descriptions are data of the evaluation model (``GradeBand``), and an entity's reasons are
stored with its grade (``credit.evaluation`` writes them in Chinese, from fixed templates and choice
labels). Gettext cannot reach a database row, so the page translates them when it shows them:

- ``data_text``: a text from a known set (the grade names of ``Grade``, the seeded descriptions below).
  A text an official wrote (a renamed grade, a new description) is not in the catalogue and stays as
  entered: it is free data, and the Chinese is authoritative anyway.
- ``reason_text``: a reason is rebuilt from the template that made it (``credit.evaluation._sql``),
  with its category, severity, list and ground labels translated; the document number (文号) and dates
  stay as they are. A text matching no template is shown as stored.

In Chinese both return the stored text unchanged.
"""

import re

from django.utils.translation import get_language, gettext, gettext_noop, ngettext

# The seeded model's grade descriptions (credit/migrations/0002_seed_rules.py): in the catalogue so the
# unchanged defaults read in English.
SEEDED_DESCRIPTIONS = (
    gettext_noop("无有效期内的失信、警示信息"),
    gettext_noop("有轻微失信信息、列入重点关注对象名单或近12个月经核实投诉3件及以上"),
    gettext_noop("列入经营异常名录、有一般失信信息或近12个月违反信用承诺"),
    gettext_noop("列入严重违法失信名单或有严重失信信息"),
)

_DATE = r"(?P<date>\d{4}-\d{2}-\d{2})"
# The templates of credit.evaluation._sql, in the order it writes them.
_RECORD = re.compile(r"^(?P<category>[^（]+)（(?P<severity>[^）]+)）(?P<ref>.*)，公示至 " + _DATE + "$")
_COMMITMENT = re.compile(r"^信用承诺违诺 (?P<ref>.*)（" + _DATE + r"），12个月内计入$")
_LIST = re.compile(r"^列入(?P<list>[^（]+)（(?P<ground>.*)），" + _DATE + " 起$")
_COMPLAINTS = re.compile(r"^近12个月经核实的投诉举报 (?P<n>\d+) 件（达到3件即为警示）$")


def chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def data_text(text: str) -> str:
    """A stored text from a known set in the active language; any other text as entered."""
    if not text or chinese():
        return text
    return gettext(text)


def reason_text(text: str) -> str:
    """One stored grade reason in the active language (see the module's docstring)."""
    if not text or chinese():
        return text
    if m := _RECORD.match(text):
        return gettext("%(category)s（%(severity)s）%(ref)s，公示至 %(date)s") % {
            "category": gettext(m["category"]),
            "severity": gettext(m["severity"]),
            "ref": m["ref"],
            "date": m["date"],
        }
    if m := _COMMITMENT.match(text):
        return gettext("信用承诺违诺 %(ref)s（%(date)s），12个月内计入") % {"ref": m["ref"], "date": m["date"]}
    if m := _LIST.match(text):
        return gettext("列入%(list)s（%(ground)s），%(date)s 起") % {
            "list": gettext(m["list"]),
            "ground": gettext(m["ground"]),
            "date": m["date"],
        }
    if m := _COMPLAINTS.match(text):
        n = int(m["n"])
        return ngettext(
            "近12个月经核实的投诉举报 %(n)s 件（达到3件即为警示）",
            "近12个月经核实的投诉举报 %(n)s 件（达到3件即为警示）",
            n,
        ) % {"n": n}
    return gettext(text)

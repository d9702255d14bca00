"""Atom feeds anyone can subscribe to (issue 15 §5): "watch this entity" with no account.

- ``/entities/<USCC>/feed.atom``: every public change of one entity, read from the change feed
  (``core.changes.ChangeEvent`` rows with ``public=True`` and no audience), newest first.
- ``/penalties/feed.atom``: penalties newly in disclosure, from the selector of /penalties/.
- ``/lists/<list_type>/feed.atom``: new entries of a public list, from the selector of /lists/<type>/.

**Nothing a public page would not show.** An entity's entry is built from the event's type, its public
reference (a record's 文号, a decision number …), the department and an allow-listed part of its data (a
grade's from/to codes, a list type); never from the changed row's text. The penalty and list feeds read
the columns their public lists show, through the same selectors, so they cannot carry more.

**Cost.** An entity's feed reads the change feed's (uscc, txid, id) index; a list's feed the active-entry
index of its list. The penalty feed is ordered by publication time, which has no index, so it is cached
for a minute (``PENALTY_FEED_CACHE_SECONDS``): a new penalty shows within a minute of its publication.

**Stable ids.** Each entry's id is a tag URI (RFC 4151) minted from the event or row id, so a reader
never sees an entry twice whatever host name it used. The authority is ``settings.FEED_TAG_AUTHORITY``
(a deployment sets it once to its own domain and never changes it again).
"""

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from core import uscc as uscc_lib
from core.changes import ChangeEvent, ChangeType
from core.http import PublicHttp404
from credit import selectors as credit_selectors
from credit.choices import Grade, ListType, PenaltyType, RecordCategory
from enforcement import selectors as penalty_selectors
from enforcement.choices import DisclosureState
from enforcement.models import PenaltyDisclosure
from supervision.selectors import public_entities

FEED_ITEMS = 50  # a feed carries the latest 50 entries; readers poll and keep what they have seen
# The penalty feed is the same for every reader and its order (publication time) has no index: at 500,000
# summaries in disclosure it takes ~0.7 s (bench_scratch, 2026-12-06), so one rendering serves a minute.
PENALTY_FEED_CACHE_SECONDS = 60
PLATFORM = "郑州市事中事后综合监管平台"
TAG_DATE = "2026"  # the date in every tag URI (RFC 4151 §2.1): fixed for ever, as the ids must be


def tag_uri(kind: str, pk) -> str:
    authority = getattr(settings, "FEED_TAG_AUTHORITY", "supervision-platform")
    return f"tag:{authority},{TAG_DATE}:{kind}/{pk}"


class PublicFeed(Feed):
    feed_type = Atom1Feed
    language = "zh-CN"
    author_name = PLATFORM
    item_guid_is_permalink = False

    def item_author_name(self, item):
        return None


# --- one entity's public changes ---------------------------------------------------------------------

# Where each kind of change is shown on the entity's page (the section headings' ids).
SECTION_OF_TYPE = {
    ChangeType.GRADE_CHANGED: "credit-title",
    ChangeType.LIST_ENTRY_ADDED: "lists-title",
    ChangeType.LIST_ENTRY_REMOVED: "lists-title",
    ChangeType.PENALTY_PUBLISHED: "penalties-title",
    ChangeType.PENALTY_WITHDRAWN: "penalties-title",
    ChangeType.INSPECTION_RESULT_PUBLISHED: "inspections-title",
}
PENALTY_TYPES = (ChangeType.PENALTY_PUBLISHED, ChangeType.PENALTY_WITHDRAWN)
LIST_TYPES = (ChangeType.LIST_ENTRY_ADDED, ChangeType.LIST_ENTRY_REMOVED)
LIST_LABELS = dict(ListType.choices)
GRADE_LABELS = dict(Grade.choices)
CATEGORY_LABELS = dict(RecordCategory.choices)


def _grade_change(data: dict) -> str:
    """ "良好 → 警示" from the event's grade codes (allow-listed: nothing else of data is shown)."""
    old, new = data.get("from"), data.get("to")
    if new not in GRADE_LABELS:
        return ""
    return f"{GRADE_LABELS[old]} → {GRADE_LABELS[new]}" if old in GRADE_LABELS else f"首次评价为{GRADE_LABELS[new]}"


def _penalty_pages(events) -> set:
    """The summaries among the events' that have a public page now: in disclosure, or withdrawn (the
    page then says 已撤回 and why), by the selectors' rules; ended or repaired ones have none."""
    ids = {e.object_id for e in events if e.type in PENALTY_TYPES and e.object_id}
    if not ids:
        return set()
    shown = set(penalty_selectors.public_penalties().filter(pk__in=ids).values_list("pk", flat=True))
    # The withdrawn half of ``enforcement.selectors.public_penalty`` (which reads one summary at a time).
    withdrawn = PenaltyDisclosure.objects.filter(pk__in=ids - shown, state=DisclosureState.WITHDRAWN)
    return shown | set(withdrawn.filter(published_at__isnull=False).values_list("pk", flat=True))


class EntityFeed(PublicFeed):
    """``/entities/<USCC>/feed.atom``: the entity's public changes, newest first."""

    def __call__(self, request, uscc):
        code = uscc_lib.normalize(uscc)
        if code and code != uscc:  # lower-case or full-width input: the canonical address, as the page does
            return redirect("entity-feed", uscc=code)
        return super().__call__(request, uscc=code)

    def get_object(self, request, uscc):
        reason = uscc_lib.problems(uscc)
        if reason and not uscc_lib.is_verified_exception(uscc):
            raise PublicHttp404(f"统一社会信用代码有误：{reason}")
        entity = public_entities().filter(uscc=uscc).first()
        if entity is None:
            raise PublicHttp404(f"未找到统一社会信用代码为 {uscc} 的市场主体")
        return entity

    def title(self, entity):
        return f"{entity.name}：信用变更"

    def subtitle(self, entity):
        return (
            f"统一社会信用代码 {entity.uscc} 的公开信用信息变更（新增、撤销、到期、修复的信用记录，信用等级变化，"
            f"列入和移出名单，行政处罚公示与撤回，抽查结果公示），最新 {FEED_ITEMS} 条。来源：{PLATFORM}"
        )

    def link(self, entity):
        return reverse("entity-detail", args=[entity.uscc])

    def feed_guid(self, entity):
        return tag_uri("entity", entity.uscc)

    def items(self, entity):
        # Public events only, never one addressed to a client; newest first on the (uscc, txid, id) index.
        events = list(
            ChangeEvent.objects.filter(uscc=entity.uscc, public=True, audience__isnull=True)
            .select_related("department")
            .only("type", "uscc", "ref", "object_id", "occurred_at", "data", "department__name")
            .order_by("-txid", "-id")[:FEED_ITEMS]
        )
        penalty_pages = _penalty_pages(events)
        page = reverse("entity-detail", args=[entity.uscc])
        for event in events:
            event.entity_name = entity.name
            event.page = self._page_of(event, page, penalty_pages)
        return events

    @staticmethod
    def _page_of(event, page: str, penalty_pages: set) -> str:
        if event.type in PENALTY_TYPES and event.object_id in penalty_pages:
            return reverse("penalty-detail", args=[event.object_id])
        plan = (event.data or {}).get("plan_id")
        if event.type == ChangeType.INSPECTION_RESULT_PUBLISHED and isinstance(plan, int):
            return reverse("inspection-plan", args=[plan])
        return f"{page}#{SECTION_OF_TYPE.get(event.type, 'records-title')}"

    def item_title(self, event):
        label = event.get_type_display()
        if event.type == ChangeType.GRADE_CHANGED:
            change = _grade_change(event.data or {})
            return f"{label}：{change}" if change else str(label)
        return f"{label}：{event.ref}" if event.ref else str(label)

    def item_description(self, event):
        data = event.data or {}
        parts = [f"{event.entity_name}：{event.get_type_display()}"]
        if event.type == ChangeType.GRADE_CHANGED and (change := _grade_change(data)):
            parts.append(f"公共信用综合评价 {change}")
        if data.get("category") in CATEGORY_LABELS and event.type.startswith("record."):
            parts.append(f"类别：{CATEGORY_LABELS[data['category']]}")
        if data.get("list_type") in LIST_LABELS and event.type in LIST_TYPES:
            parts.append(f"名单：{LIST_LABELS[data['list_type']]}")
        if event.ref and event.type != ChangeType.GRADE_CHANGED:
            parts.append(f"编号：{event.ref}")
        if event.department is not None:
            parts.append(f"部门：{event.department.name}")
        return "；".join(parts) + "。"

    def item_link(self, event):
        return event.page

    def item_guid(self, event):
        return tag_uri("change", event.pk)

    def item_updateddate(self, event):
        return timezone.localtime(event.occurred_at)

    def item_pubdate(self, event):
        return timezone.localtime(event.occurred_at)


# --- penalties newly in disclosure --------------------------------------------------------------------


class PenaltyFeed(PublicFeed):
    """``/penalties/feed.atom``: the latest penalties in disclosure, newest publication first."""

    title = "行政处罚信息公示：最新公示"
    subtitle = f"新公示的行政处罚决定（已依法屏蔽个人信息），最新 {FEED_ITEMS} 条。来源：{PLATFORM}"

    def link(self):
        return reverse("penalty-list")

    def feed_guid(self):
        return tag_uri("penalties", "published")

    def items(self):
        # The selector of /penalties/ and the columns of its list; ordered by when each entered disclosure.
        return list(
            penalty_selectors.public_penalties()
            .only(*penalty_selectors.LIST_FIELDS, "published_at")
            .order_by("-published_at", "-id")[:FEED_ITEMS]
        )

    def item_title(self, d):
        return f"{d.party_name}：{d.violation_type}"

    def item_description(self, d):
        labels = dict(PenaltyType.choices)
        parts = [
            f"决定书文号：{d.number}",
            f"处罚种类：{'、'.join(str(labels.get(c, c)) for c in d.penalty_types)}",
        ]
        if d.fine_amount:
            parts.append(f"罚款金额：{d.fine_amount} 元")
        if d.confiscation_amount:
            parts.append(f"没收金额：{d.confiscation_amount} 元")
        parts += [f"处罚机关：{d.department.name}", f"决定日期：{d.decided_on:%Y年%-m月%-d日}"]
        if d.entity_id:
            parts.insert(0, f"统一社会信用代码：{d.entity_id}")
        return "；".join(parts) + "。"

    def item_link(self, d):
        return reverse("penalty-detail", args=[d.pk])

    def item_guid(self, d):
        return tag_uri("penalty", d.pk)

    def item_updateddate(self, d):
        return timezone.localtime(d.published_at)

    def item_pubdate(self, d):
        return timezone.localtime(d.published_at)


# --- new entries of a public list ---------------------------------------------------------------------


def _listed_at(entry) -> dt.datetime:
    """When the entry became public: entered on or after its listing day, or its listing day's start."""
    start = timezone.make_aware(dt.datetime.combine(entry.listed_on, dt.time.min))
    return timezone.localtime(max(entry.created_at, start))


class ListFeed(PublicFeed):
    """``/lists/<list_type>/feed.atom``: the latest entries of one public list, newest listing first."""

    def get_object(self, request, list_type):
        if list_type not in credit_selectors.PUBLIC_LIST_TYPES:
            raise PublicHttp404("未找到该名单")
        return ListType(list_type)

    def title(self, kind):
        return f"{kind.label}：新列入"

    def subtitle(self, kind):
        return f"新列入{kind.label}的市场主体，最新 {FEED_ITEMS} 条。来源：{PLATFORM}"

    def link(self, kind):
        return reverse("credit-list", args=[kind.value])

    def feed_guid(self, kind):
        return tag_uri("list", kind.value)

    def items(self, kind):
        # The selector and columns of /lists/<type>/, in its order.
        return list(
            credit_selectors.public_list_entries(kind.value)
            .select_related("entity")
            .only(
                "list_type",
                "ground",
                "decision_no",
                "listed_on",
                "created_at",
                "entity__uscc",
                "entity__name",
                "department__name",
            )
            .order_by("-listed_on", "-id")[:FEED_ITEMS]
        )

    def item_title(self, entry):
        return f"{entry.entity.name} 列入{entry.get_list_type_display()}"

    def item_description(self, entry):
        parts = [
            f"统一社会信用代码：{entry.entity.uscc}",
            f"列入日期：{entry.listed_on:%Y年%-m月%-d日}",
            f"事由：{entry.get_ground_display()}",
            f"决定部门：{entry.department.name}",
        ]
        if entry.decision_no:
            parts.append(f"文号：{entry.decision_no}")
        return "；".join(parts) + "。"

    def item_link(self, entry):
        return reverse("entity-detail", args=[entry.entity.uscc])

    def item_guid(self, entry):
        return tag_uri("list-entry", entry.pk)

    def item_updateddate(self, entry):
        return _listed_at(entry)

    def item_pubdate(self, entry):
        return _listed_at(entry)

"""Anchors of the audit chain (issue 11 §3): its head, written where the database cannot reach.

Every hour the beat job ``core.anchor_audit_chain`` appends the head (id, hash, time) to
``AUDIT_ANCHOR_DIR/anchors.log``: opened with O_APPEND, one JSON line per anchor, fsync'd. That
file is the witness outside the database: whoever controls the database (even with AUDIT_KEY) can
rewrite or cut the chain, but not the anchored hashes, so ``verify_audit`` catches the change.

The same anchor is also stored in ``AuditAnchor``, which the public page ``/audit/anchors/``
reads (the last anchor of each day). Once shown, a daily head is in the hands of the public;
``verify_audit`` checks those rows as well, but the file is the authority.

The upgrade to a keyed chain writes one ``cutover`` line naming the last event still hashed with
plain SHA-256; no event after it may be legacy (core.audit.verify_chain).
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import verify_chain
from core.models import AuditAnchor, AuditEvent

ANCHOR_FILE = "anchors.log"
HOURLY = "hourly"
CUTOVER = "cutover"


def anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR) / ANCHOR_FILE


def append_anchor_line(*, kind: str, event_id: int, event_hash: str, at) -> None:
    """Append one anchor to the file: a single write on an O_APPEND descriptor, then fsync."""
    path = anchor_path()
    created = not path.parent.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"kind": kind, "id": event_id, "hash": event_hash, "at": at.isoformat()}, sort_keys=True) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # the new directory entry must survive a crash too
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@dataclass(frozen=True)
class Anchor:
    kind: str
    event_id: int
    event_hash: str
    at: str
    source: str  # where it was read: "锚点文件第 N 行" or "公开锚点（time）"


def read_anchor_file() -> tuple[list[Anchor], list[str]]:
    """The anchors in the file, and a problem for each line that cannot be read."""
    path = anchor_path()
    anchors, problems = [], []
    if not path.exists():
        return anchors, problems
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            data = json.loads(raw)
            source = f"锚点文件第 {number} 行"
            anchors.append(Anchor(str(data["kind"]), int(data["id"]), str(data["hash"]), str(data["at"]), source))
        except (ValueError, KeyError, TypeError):
            problems.append(f"锚点文件第 {number} 行无法解析 / anchor file line {number} is unreadable")
    return anchors, problems


def audit_anchor_create() -> AuditAnchor | None:
    """Anchor the chain head now: the file first (the witness), then the published row.

    No AuditEvent of its own: the anchor is the record of the chain, and an event per hour would
    move the head the anchor names.
    """
    with transaction.atomic():
        head = AuditEvent.objects.order_by("-id").values("id", "hash").first()
        if head is None:
            return None
        now = timezone.now()
        append_anchor_line(kind=HOURLY, event_id=head["id"], event_hash=head["hash"], at=now)
        return AuditAnchor.objects.create(
            event_id=head["id"], event_hash=head["hash"], anchored_at=now, day=timezone.localdate(now)
        )


def anchor_cutover(apps=None) -> None:
    """At the upgrade to the keyed chain: anchor the last legacy (plain SHA-256) event, if any."""
    events = (apps or global_apps).get_model("core", "AuditEvent")
    head = events.objects.order_by("-id").values("id", "hash").first()
    if head is not None:
        append_anchor_line(kind=CUTOVER, event_id=head["id"], event_hash=head["hash"], at=timezone.now())


@dataclass
class AuditCheck:
    """The outcome of ``verify_audit``: the chain itself, then the chain against its anchors."""

    checked: int = 0
    head_id: int | None = None
    anchors: int = 0
    legacy: int = 0
    broken_at: int | None = None
    problems: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify() -> AuditCheck:
    """Recompute the chain, then check every anchor (file and published rows) against it."""
    file_anchors, problems = read_anchor_file()
    cutovers = [a.event_id for a in file_anchors if a.kind == CUTOVER]
    report = verify_chain(legacy_until=max(cutovers) if cutovers else 0)
    head_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    result = AuditCheck(
        checked=report.checked,
        head_id=head_id,
        legacy=report.legacy,
        broken_at=report.broken_at,
        problems=list(problems),
    )
    if not report.ok:
        result.problems.append(
            f"审计链在事件 #{report.broken_at} 处断裂：{report.reason} / audit chain broken at event #{report.broken_at}"
        )

    published = [
        Anchor(
            HOURLY,
            a.event_id,
            a.event_hash,
            a.anchored_at.isoformat(),
            f"公开锚点（{timezone.localtime(a.anchored_at):%Y-%m-%d %H:%M}）",
        )
        for a in AuditAnchor.objects.order_by("anchored_at")
    ]
    if published and not anchor_path().exists():
        result.problems.append(
            f"锚点文件 {anchor_path()} 不存在，但已有公开锚点 / anchor file missing while anchors were published"
        )
    in_file = {(a.event_id, a.event_hash) for a in file_anchors}
    for anchor in published:
        if (anchor.event_id, anchor.event_hash) not in in_file and anchor_path().exists():
            result.problems.append(
                f"{anchor.source} #{anchor.event_id} 不在锚点文件中 / published anchor #{anchor.event_id} is not in the anchor file"
            )

    anchors = file_anchors + published
    result.anchors = len(anchors)
    ids = {a.event_id for a in anchors}
    stored = dict(AuditEvent.objects.filter(id__in=ids).values_list("id", "hash"))
    for anchor in anchors:
        actual = stored.get(anchor.event_id)
        if actual is None:
            if result.head_id is None or anchor.event_id > result.head_id:
                result.truncated = True
                result.problems.append(
                    f"审计链被截断：{anchor.source}锚定的事件 #{anchor.event_id}（{anchor.at}）已不在链中，当前链头为 #{result.head_id or '无'}"
                    f" / audit chain truncated: anchored event #{anchor.event_id} is missing, the head is #{result.head_id or 'none'}"
                )
            else:
                result.problems.append(
                    f"{anchor.source}锚定的事件 #{anchor.event_id} 已被删除 / anchored event #{anchor.event_id} was deleted"
                )
        elif actual != anchor.event_hash:
            result.problems.append(
                f"{anchor.source}锚定的事件 #{anchor.event_id} 哈希已改变（链被重算）/ anchored event #{anchor.event_id} has another hash (chain rewritten)"
            )
    return result

"""``hmac-sha256-v2`` commitments in the admin (issue 11 §4), read-only.

Officials of the plan's departments see a commitment's public half (the hashes, the public value and
its source, who entered it and when). The seed share and the committed population file are shown
only to a 监督人员 (permission ``inspections.audit_drawcommitment``), who sees every plan's, so that
they can recompute the commitment, the seed and the selection (the verifier on /inspections/verify/).
"""

from django.contrib import admin
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from core.admin_base import ReadOnlyAdmin
from inspections.models import DrawCommitment
from inspections.selectors import is_auditor, plans_visible_to

PUBLIC_FIELDS = (
    "plan",
    "state_display",
    "committed_at",
    "committed_by",
    "seed_share_sha256",
    "population_sha256",
    "population_size",
    "public_value_source",
    "public_value_date",
    "public_value",
    "public_value_by",
    "public_value_at",
    "reason",
    "draw_link",
)
AUDIT_FIELDS = ("seed_share", "population_download")


def commitment_state(commitment) -> str:
    if commitment.public_value:
        return "已录入公开随机数并摇号"
    return "已被新的承诺取代" if commitment.withdrawn else "待录入公开随机数"


def commitment_summary(commitment, *, show_share: bool):
    """One commitment as an admin read-only value (the share only for an auditor)."""
    rows = [
        ("状态", commitment_state(commitment)),
        ("承诺公布时间", f"{commitment.committed_at:%Y-%m-%d %H:%M}"),
        ("种子份额承诺值（SHA-256）", commitment.seed_share_sha256),
        ("名录文件哈希", commitment.population_sha256),
        ("公开随机数来源", commitment.public_value_source),
        ("公开随机数公布日期", f"{commitment.public_value_date:%Y-%m-%d}"),
        ("公开随机数", commitment.public_value or "（尚未录入）"),
    ]
    if show_share:
        rows.append(("种子份额（保密，仅监督人员可见）", commitment.seed_share))
    link = reverse("admin:inspections_drawcommitment_change", args=[commitment.pk])
    return format_html(
        '<p><a href="{}">摇号承诺 #{}</a></p><table><tbody>{}</tbody></table>',
        link,
        commitment.pk,
        format_html_join("", "<tr><th>{}</th><td><code>{}</code></td></tr>", rows),
    )


@admin.register(DrawCommitment)
class DrawCommitmentAdmin(ReadOnlyAdmin):
    """Every commitment, withdrawn ones included (they stay on the record, like superseded draws)."""

    list_display = (
        "__str__",
        "plan",
        "committed_at",
        "share_hash_short",
        "public_value_date",
        "public_value",
        "state_display",
    )
    list_filter = ("withdrawn",)
    search_fields = ("plan__name", "seed_share_sha256", "population_sha256")
    list_select_related = ("plan",)

    def get_queryset(self, request):
        qs = (
            super()
            .get_queryset(request)
            .filter(plan__in=plans_visible_to(request.user).values("pk"))
            .select_related("plan", "draw")
        )
        return qs if is_auditor(request.user) else qs.defer("seed_share", "population")

    def get_fields(self, request, obj=None):
        return (*PUBLIC_FIELDS, *AUDIT_FIELDS) if is_auditor(request.user) else PUBLIC_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_urls(self):
        population = path(
            "<int:pk>/population.csv",
            self.admin_site.admin_view(self.population_view),
            name="inspections_drawcommitment_population",
        )
        return [population, *super().get_urls()]

    def population_view(self, request, pk):
        """The committed population file, exactly the hashed bytes: for a 监督人员 only (strata = risk classes)."""
        if not is_auditor(request.user):
            raise Http404
        commitment = self.get_queryset(request).filter(pk=pk).first()
        if commitment is None:
            raise Http404
        response = HttpResponse(commitment.population.encode("ascii"), content_type="text/csv")
        response["Content-Disposition"] = content_disposition_header(True, f"commitment-{commitment.pk}-population.csv")
        return response

    @admin.display(description=_("状态"))
    def state_display(self, obj):
        return commitment_state(obj)

    @admin.display(description=_("种子份额承诺值"))
    def share_hash_short(self, obj):
        return format_html('<code title="{}">{}…</code>', obj.seed_share_sha256, obj.seed_share_sha256[:16])

    @admin.display(description=_("名录文件"))
    def population_download(self, obj):
        url = reverse("admin:inspections_drawcommitment_population", args=[obj.pk])
        return format_html(
            '<a href="{}">下载 commitment-{}-population.csv</a>（内部文件，含风险分类，不得公开）', url, obj.pk
        )

    @admin.display(description=_("摇号记录"))
    def draw_link(self, obj):
        draw = getattr(obj, "draw", None) if obj.public_value else None
        if draw is None:
            return "-"
        return format_html(
            '<a href="{}">摇号 #{}</a>', reverse("admin:inspections_draw_change", args=[draw.pk]), draw.pk
        )

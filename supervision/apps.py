from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "一单两库"

    # An entity's page shows at most this many annual reports (newest first).
    ENTITY_PAGE_REPORTS = 5

    def entity_page_sections(self, entity) -> list[dict]:
        """The entity page's 年度报告 section (credit's entity page collects these hooks): each report's
        public part (条例第九条) with its corrections and their dates, in one query."""
        from supervision.annual_reports import public_view
        from supervision.models import AnnualReport

        reports = AnnualReport.objects.filter(entity_id=entity.uscc).order_by("-year")[: self.ENTITY_PAGE_REPORTS]
        return [
            {
                "template": "supervision/_entity_annual_reports.html",
                "context": {"reports": [public_view(r) for r in reports]},
            }
        ]

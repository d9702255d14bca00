"""Public credit pages. Included before supervision's URLs: the entity page gains its credit section."""

from django.urls import path

from credit import views, views_acts, views_done, views_exits, views_filings, views_links

urlpatterns = [
    # Same path as supervision's entity page (listed first, so this one answers): base data + credit.
    path("entities/<str:uscc>/", views.entity_detail, name="entity-credit"),
    path("entities/<str:uscc>/credit-report.pdf", views.credit_report_download, name="credit-report-pdf"),
    path("lists/", views.list_index, name="credit-lists"),
    path("lists/exit/new/", views_exits.list_exit_new, name="list-exit-new"),  # leaving a list (issue 12 §4)
    path("lists/exit/done/", views_exits.list_exit_done, name="list-exit-done"),
    path("lists/<str:list_type>/", views.list_detail, name="credit-list"),
    path("credit/grades/", views.grades, name="credit-grades"),
    path("acts/", views_acts.act_list, name="act-list"),  # other administrative acts (issue 12 §2)
    # Public filings (DESIGN.md public URLs): no account, tracked by number and query code.
    path("commitments/new/", views_filings.commitment_new, name="commitment-new"),
    path("repairs/new/", views_filings.repair_new, name="repair-new"),
    path("objections/new/", views_filings.objection_new, name="objection-new"),
    # The party's link to one record, published or not (当事人告知链接, credit.record_links).
    path("credit/notice/<str:token>/", views_links.record_notice, name="record-notice"),
    # Post/Redirect/Get: where a successful filing lands (issue 12 §6); the number and code show once.
    path("commitments/new/done/", views_done.commitment_done, name="commitment-done"),
    path("repairs/new/done/", views_done.repair_done, name="repair-done"),
    path("objections/new/done/", views_done.objection_done, name="objection-done"),
    path("track/", views_filings.track, name="filing-track"),
    path("reports/verify/", views.report_verify_entry, name="report-verify-entry"),
    path("reports/verify/<str:serial>/", views.report_verify, name="report-verify"),
]

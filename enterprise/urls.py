from django.urls import path

from enterprise import (
    views,
    views_accounts,
    views_corrections,
    views_declarations,
    views_file,
    views_filings,
    views_inbox,
    views_reports,
)

app_name = "enterprise"

urlpatterns = [
    path("", views.home, name="home"),
    path("logout/", views.sign_out, name="logout"),
    path("inbox/", views_inbox.inbox_list, name="inbox"),
    path("inbox/read-all/", views_inbox.inbox_read_all, name="inbox-read-all"),
    path("inbox/<int:pk>/", views_inbox.inbox_detail, name="inbox-message"),
    path("login/", views_accounts.EntityLoginView.as_view(), name="login"),
    path("login/token/", views_accounts.login_token, name="login-token"),
    path("activate/", views_accounts.activate, name="activate"),
    path("account/", views_accounts.account, name="account"),
    path("account/password/", views_accounts.password_change, name="account-password"),
    path("account/2fa/start/", views_accounts.totp_start, name="account-totp-start"),
    path("account/2fa/confirm/", views_accounts.totp_confirm, name="account-totp-confirm"),
    path("account/2fa/off/", views_accounts.totp_disable, name="account-totp-off"),
    path("account/liaisons/", views_accounts.liaison_add, name="account-liaison-add"),
    path("account/liaisons/<int:pk>/remove/", views_accounts.liaison_remove, name="account-liaison-remove"),
    path("file/", views_file.credit_file, name="file"),
    path("inspections/", views_file.inspections, name="inspections"),
    path("complaints/", views_file.complaints, name="complaints"),
    path("filings/", views_file.filings, name="filings"),
    # Filings without query codes (issue 14 §3): before filings/<kind>/<pk>/, which "new/…" never matches anyway.
    path("filings/new/objection/", views_filings.objection_new, name="filing-new-objection"),
    path("filings/new/repair/", views_filings.repair_new, name="filing-new-repair"),
    path("filings/new/list-exit/", views_filings.list_exit_new, name="filing-new-list-exit"),
    path("filings/new/early-stop/", views_filings.early_stop_new, name="filing-new-early-stop"),
    path("filings/new/commitment/", views_filings.commitment_new, name="filing-new-commitment"),
    path("filings/<slug:kind>/<int:pk>/", views_file.filing_detail, name="filing-detail"),
    path("checks/", views_file.checks, name="checks"),
    path("corrections/", views_corrections.correction_list, name="corrections"),
    path("corrections/<int:pk>/", views_corrections.correction_detail, name="correction"),
    path("declarations/", views_declarations.declaration_list, name="declarations"),
    path("declarations/new/", views_declarations.declaration_new, name="declaration-new"),
    path("declarations/<int:pk>/withdraw/", views_declarations.declaration_withdraw, name="declaration-withdraw"),
    path("declarations/<int:pk>/attachment/", views_declarations.declaration_attachment, name="declaration-attachment"),
    path("annual-report/", views_reports.report_list, name="annual-reports"),
    path("annual-report/<int:year>/", views_reports.report_form, name="annual-report"),
]

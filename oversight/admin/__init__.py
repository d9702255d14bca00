"""The oversight app in the admin, in Chinese. One module per sub-domain: ``indicators`` (the indicator
system), ``evaluations`` (履职评估 runs, results with drill-down, XLSX and PDF), ``halfyear`` (half-year
reports), ``exemptions`` (尽职免责). Every write calls ``oversight.services``."""

from oversight.admin import evaluations, exemptions, halfyear, indicators  # noqa: F401

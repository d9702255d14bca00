"""Template context every page gets: who runs the site (issue 18 §1.2), from settings."""

import functools
import re

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The two filing registries' public look-ups (政府网站发展指引: the numbers link to them).
ICP_URL = "https://beian.miit.gov.cn/"
PSB_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"


def site_identity(request) -> dict:
    psb_code = "".join(re.findall(r"\d", settings.SITE_PSB))
    english = (translation.get_language() or "").startswith("en")

    def named(chinese: str, english_name: str) -> str:
        return english_name if english and english_name and chinese else chinese

    return {
        "site": {
            "city": named(settings.SITE_CITY, settings.SITE_CITY_EN),
            "name": settings.SITE_NAME,
            "host_org": named(settings.SITE_HOST_ORG, settings.SITE_HOST_ORG_EN),
            "operator_org": named(settings.SITE_OPERATOR_ORG, settings.SITE_OPERATOR_ORG_EN),
            "phone": settings.SITE_CONTACT_PHONE,
            "email": settings.SITE_CONTACT_EMAIL,
            "address": settings.SITE_CONTACT_ADDRESS,
            "gov_id": settings.SITE_GOV_ID,
            "icp": settings.SITE_ICP,
            "icp_url": ICP_URL,
            "psb": settings.SITE_PSB,
            "psb_url": PSB_URL.format(code=psb_code) if psb_code else "",
        }
    }


# The public menu, grouped as 信用中国 and the UK's FHRS group theirs (issue 18 §1.2): 查询, 公示, 办事,
# 关于. Each item: label, URL name (or a path), and the path prefixes of the pages under it (an
# entity's page is under 主体查询). Developer links (开放接口, 接口指南) are in the footer.
PUBLIC_MENU = (
    (
        _("查询"),
        (
            (_("主体查询"), "entity-search", ("/entities/",)),
            (_("报告核验"), "report-verify-entry", ("/reports/verify/",)),
            (_("办理进度查询"), "filing-track", ("/track/",)),
        ),
    ),
    (
        _("公示"),
        (
            (_("信用名单"), "credit-lists", ("/lists/",)),
            (_("行政处罚公示"), "penalty-list", ("/penalties/",)),
            (_("行政行为公示"), "act-list", ("/acts/",)),
            (_("双随机抽查"), "inspection-plans", ("/inspections/",)),
            (_("曝光台"), "exposure", ("/exposure/",)),
            (_("监管规则"), "rules", ("/rules/",)),
            (_("信用等级说明"), "credit-grades", ("/credit/grades/",)),
        ),
    ),
    (
        _("办事"),
        (
            (_("信用承诺"), "commitment-new", ("/commitments/",)),
            (_("投诉举报"), "complaint-new", ("/complaints/",)),
            # Objections and repairs start from the record on the entity's page; help says how.
            (_("异议申诉与信用修复"), "help-objections", ("/objections/", "/repairs/", "/lists/exit/")),
            (_("企业登录"), "enterprise:home", ("/enterprise/",)),
        ),
    ),
    (
        _("关于"),
        (
            (_("帮助"), "help", ("/help/",)),
            (_("关于本站"), "about", ("/about/",)),
        ),
    ),
)


def _menu_url(name: str) -> str:
    if name == "help-objections":
        return reverse("help") + "#objections"
    return reverse(name)


def public_menu(request) -> dict:
    """Lazily (the admin never renders it): ``{% for group in public_menu %}`` builds it on first use."""
    return {"public_menu": functools.partial(_public_menu, request)}


def _public_menu(request) -> list:
    """The menu with the current page marked: ``current`` is "page" on the item's own URL, "true" on a
    page under it (aria-current), and its group is marked too."""
    path = getattr(request, "path", "")
    groups = []
    for group_label, entries in PUBLIC_MENU:
        items = []
        for label, name, prefixes in entries:
            url = _menu_url(name)
            current = ""
            if path == url.split("#")[0] and "#" not in url:
                current = "page"
            elif any(path.startswith(p) for p in prefixes):
                current = "true"
            items.append({"label": label, "url": url, "current": current})
        groups.append({"label": group_label, "items": items, "current": any(i["current"] for i in items)})
    # /lists/exit/new/ is 办事 (an application), not the 信用名单 page it sits under.
    if path.startswith("/lists/exit/"):
        groups[1]["items"][0]["current"] = ""
        groups[1]["current"] = any(i["current"] for i in groups[1]["items"])
    return groups

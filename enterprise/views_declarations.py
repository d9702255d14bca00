"""信用信息注册 (issue 14 §3): the entity lists, adds and withdraws its self-declared information.

Every query starts from ``request.entity``: another entity's declaration is a 404. Writes go through
``credit.services`` and redirect after success (PRG); a refusal keeps everything that was typed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.admin_base import file_response
from core.forms import add_service_errors
from credit import services
from credit.models import DeclarationKind, SelfDeclaration
from enterprise.access import entity_required
from enterprise.forms_declarations import DeclarationForm


def _own(request, pk) -> SelfDeclaration:
    return get_object_or_404(SelfDeclaration, pk=pk, entity_id=request.entity.uscc)


@require_safe
@entity_required
def declaration_list(request):
    declarations = SelfDeclaration.objects.filter(entity_id=request.entity.uscc).select_related("removed_by")
    return render(
        request,
        "enterprise/declaration_list.html",
        {
            "entity": request.entity,
            "account": request.account,
            "nav": "declarations",
            "declarations": list(declarations.order_by("-created_at", "-id")),
        },
    )


@require_http_methods(["GET", "POST"])
@entity_required
def declaration_new(request):
    form = DeclarationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.declaration_add(
                actor=request.user,
                entity=request.entity,
                kind=data["kind"],
                title=data["title"],
                issuer=data["issuer"],
                standard_no=data["standard_no"],
                issued_on=data["issued_on"],
                valid_until=data["valid_until"],
                description=data["description"],
                attachment=data["attachment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已发布。该信息将以“企业自主填报，未经核实”的名义在本主体信用信息页面公示。"))
            return redirect("enterprise:declarations")
    return render(
        request,
        "enterprise/declaration_form.html",
        {
            "entity": request.entity,
            "account": request.account,
            "nav": "declarations",
            "form": form,
            "standard_kind": DeclarationKind.STANDARD,
        },
    )


@require_POST
@entity_required
def declaration_withdraw(request, pk: int):
    declaration = _own(request, pk)
    try:
        services.declaration_withdraw(actor=request.user, entity=request.entity, declaration=declaration)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已撤回“%(title)s”，该信息不再公示。") % {"title": declaration.title})
    return redirect("enterprise:declarations")


@require_safe
@entity_required
def declaration_attachment(request, pk: int):
    declaration = _own(request, pk)
    if not declaration.attachment:
        raise Http404
    return file_response(declaration.attachment)

"""The inbox (站内消息, issue 14 §2): the list and one message, which the reading marks read.

The list first collects what is new on the audit trail (``inbox.collect_messages``; two indexed queries
when nothing is), so a change shows here at once even before the worker's run. Every query starts from
``request.entity``: another entity's message is a 404.
"""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from enterprise import inbox
from enterprise.access import entity_required
from enterprise.models import Message

PAGE_SIZE = 20


@entity_required
def inbox_list(request):
    if inbox.collect_messages():
        inbox.queue_collect()  # the e-mail copies of what was just made go out from the worker
    messages = Message.objects.filter(entity=request.entity).only(
        "id", "kind", "subject", "created_at", "read_at", "entity_id"
    )
    page = Paginator(messages, PAGE_SIZE, allow_empty_first_page=True).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprise/inbox.html",
        {"page": page, "nav": "inbox", "unread": inbox.unread_count(request.entity)},
    )


@entity_required
def inbox_detail(request, pk: int):
    message = get_object_or_404(Message, pk=pk, entity=request.entity)
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return render(request, "enterprise/inbox_detail.html", {"message": message, "nav": "inbox"})


@require_POST
@entity_required
def inbox_read_all(request):
    Message.objects.filter(entity=request.entity, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("enterprise:inbox")

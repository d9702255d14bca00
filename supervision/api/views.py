from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets

from core import uscc
from core.choices import Scope
from supervision.api.serializers import EntityDetailSerializer, EntityListSerializer
from supervision.filters import MarketEntityFilter
from supervision.selectors import public_entities


@extend_schema(tags=["entities"])
class EntityViewSet(viewsets.ReadOnlyModelViewSet):
    """Entities by USCC (path key), searchable by name substring, USCC or USCC prefix."""

    required_scope = Scope.CREDIT_READ
    filterset_class = MarketEntityFilter
    lookup_field = "uscc"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return public_entities().order_by("uscc")

    def get_serializer_class(self):
        return EntityDetailSerializer if self.action == "retrieve" else EntityListSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "uscc", OpenApiTypes.STR, OpenApiParameter.PATH, description="统一社会信用代码（大小写、全角均可）"
            )
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def get_object(self):
        code = uscc.normalize(self.kwargs["uscc"])
        reason = uscc.problems(code)
        if reason and not uscc.is_verified_exception(code):
            raise exceptions.ValidationError({"uscc": [reason]})
        obj = self.get_queryset().filter(uscc=code).first()
        if obj is None:
            raise Http404
        return obj

from rest_framework import serializers

from supervision.models import MarketEntity
from supervision.selectors import PUBLIC_ENTITY_FIELDS


class EntityListSerializer(serializers.ModelSerializer):
    entity_type_label = serializers.CharField(source="get_entity_type_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = MarketEntity
        fields = (
            "uscc",
            "name",
            "entity_type",
            "entity_type_label",
            "region_code",
            "industry_code",
            "status",
            "status_label",
        )


class EntityDetailSerializer(EntityListSerializer):
    """Base data only: ID numbers and phone numbers never leave the platform (DOMAIN §5)."""

    class Meta(EntityListSerializer.Meta):
        fields = (*[f for f in PUBLIC_ENTITY_FIELDS if f != "id"], "entity_type_label", "status_label")

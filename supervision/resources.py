from import_export import resources

from supervision.models import Inspector, MarketEntity, SupervisionItem


class MarketEntityResource(resources.ModelResource):
    class Meta:
        model = MarketEntity
        exclude = ("legal_rep_id_number", "contact_phone")


class InspectorResource(resources.ModelResource):
    class Meta:
        model = Inspector


class SupervisionItemResource(resources.ModelResource):
    class Meta:
        model = SupervisionItem

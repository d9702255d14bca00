"""Public credit pages. Included before supervision's URLs: the entity page gains its credit section."""


urlpatterns: list = []

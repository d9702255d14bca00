"""Field options shared by the enforcement models."""

MONEY = {"max_digits": 14, "decimal_places": 2}

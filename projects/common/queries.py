"""Query pieces every app's annotators use."""
from django.db.models import F, Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def count_of(queryset: QuerySet) -> Coalesce:
    """How many rows of a correlated queryset, as one scalar subquery (no GROUP BY); 0 when none."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField())).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

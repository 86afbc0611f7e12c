from django import template

register = template.Library()


@register.filter
def distance(candidate, kind: str) -> str:
    """The distance from a match to the nearest landmark of `kind`, with its name."""
    return candidate.distance_text(kind)

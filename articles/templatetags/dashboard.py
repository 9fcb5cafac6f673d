"""The desk's front page lists (articles/admin/dashboard.py), for templates/admin/index.html."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_work(context):
    from ..admin import dashboard  # not at import: every template engine imports this library

    return dashboard.desk_work(context["request"].user)

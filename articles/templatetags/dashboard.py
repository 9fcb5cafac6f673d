"""The desk's front page lists (articles/admin/dashboard.py), for templates/admin/index.html."""

from django import template

from ..admin import dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_work(context):
    return dashboard.desk_work(context["request"].user)

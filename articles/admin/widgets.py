"""Autocomplete selects that name their chosen options from rows the page has already read.

Django's autocomplete select asks the database for the options it shows chosen: one query per
select, so one per byline row on the story form. Here the form's objects (the story's section,
tags and reports, each row's author or organisation) are handed to the widget first
(``label_chosen_from_loaded``), and it asks the database only for a value it was not given, such
as one posted in a form that failed to save.
"""

from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)


class KnownChoicesMixin:
    known = None  # {str(pk): object} for the values this select may show, set per form

    def optgroups(self, name, value, attr=None):
        chosen = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = self.known or {}
        by_pk = getattr(self.field.remote_field, "field_name", None) in (None, "id", "pk")
        if not (by_pk and chosen <= known.keys()):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        # The objects were read in the model's order, as Django's query would list them.
        for pk, obj in known.items():
            if pk in chosen:
                label = self.choices.field.label_from_instance(obj)
                options.append(self.create_option(name, obj.pk, label, chosen, len(options)))
        return [(None, options, 0)]


class KnownAutocompleteSelect(KnownChoicesMixin, AutocompleteSelect):
    pass


class KnownAutocompleteSelectMultiple(KnownChoicesMixin, AutocompleteSelectMultiple):
    pass


class KnownChoicesAdminMixin:
    """For a ModelAdmin or an inline: its autocomplete fields use the selects above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def label_chosen_from_loaded(form):
    """Hand each autocomplete select of an unbound model form the objects its instance already
    holds: a foreign key read with the row (select_related), or the related objects the form
    read for its initial values."""
    if form.is_bound:
        return  # posted values: the select looks up whatever was posted
    instance = form.instance
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget = widget.widget
        if not isinstance(widget, KnownChoicesMixin):
            continue
        model_field = instance._meta.get_field(name)
        if model_field.many_to_many:
            objects = form.initial.get(name) or []
        elif model_field.is_cached(instance):
            objects = [getattr(instance, name)]
        else:
            continue
        if all(isinstance(obj, model_field.related_model) for obj in objects if obj is not None):
            widget.known = {str(obj.pk): obj for obj in objects if obj is not None}


def label_formset_chosen(formset):
    """label_chosen_from_loaded for each stored row of an inline formset."""
    for form in formset.initial_forms:
        label_chosen_from_loaded(form)

"""The newsroom's roles as groups. Permissions are checked on the server by the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW_ALL = [
    "articles.view_article",
    "articles.view_author",
    "articles.view_section",
    "articles.view_tag",
    "articles.view_byline",
    "articles.view_correction",
    "inspections.view_inspectionreport",
    "inspections.view_organisation",
    "inspections.view_framework",
    "inspections.view_inspectorate",
    "inspections.view_gradedarea",
    "inspections.view_finding",
    "inspections.view_gradescale",
    "inspections.view_grade",
]


def manage(*models):
    return [
        f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
        for model in models
        for action in ("add", "change", "delete", "view")
    ]


ROLES = {
    "Reporter": VIEW_ALL
    + [
        "articles.add_article",
        "articles.change_article",
        "articles.add_byline",
        "articles.change_byline",
        "articles.delete_byline",
    ],
    "Editor": VIEW_ALL
    + manage(
        "articles.article",
        "articles.byline",
        "articles.author",
        "articles.section",
        "articles.tag",
        "inspections.inspectionreport",
        "inspections.gradedarea",
        "inspections.finding",
        "inspections.organisation",
        "inspections.framework",
        "inspections.inspectorate",
        "flatpages.flatpage",
    )
    + [
        "articles.publish_article",
        "articles.add_correction",
        "articles.view_slugredirect",
    ],
    "Corrections desk": VIEW_ALL + ["articles.add_correction"],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
    administrator, _ = Group.objects.get_or_create(name="Administrator")
    administrator.permissions.set(Permission.objects.all())


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[*ROLES, "Administrator"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_correction_append_only"),
        ("inspections", "0002_grade_scales"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("flatpages", "0001_initial"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("axes", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]

"""Right of reply: the requests for comment made for a story, and the roles that keep them.

Reporters record requests on stories they edit; the corrections desk records a reply that
comes after publication; editors and Administrators manage them all.
"""

import django.db.models.deletion
import django.utils.timezone
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ROLES = {
    "Reporter": ["add", "change", "view"],
    "Editor": ["add", "change", "delete", "view"],
    "Corrections desk": ["change", "view"],
    "Administrator": ["add", "change", "delete", "view"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=ROLES):
        codenames = [f"{action}_commentrequest" for action in ROLES[group.name]]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_administrators_manage_sign_in_devices"),
        ("inspections", "0004_grade_from_report_scale"),
    ]

    operations = [
        migrations.CreateModel(
            name="CommentRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "person_name",
                    models.CharField(
                        blank=True,
                        help_text="The person asked, when it was a person rather than an organisation.",
                        max_length=200,
                        verbose_name="person asked",
                    ),
                ),
                (
                    "person_role",
                    models.CharField(
                        blank=True,
                        help_text="As readers should read it, e.g. Police and Crime Commissioner.",
                        max_length=300,
                        verbose_name="their role",
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("email", "Email"),
                            ("phone", "Phone"),
                            ("in_person", "In person"),
                            ("other", "Other"),
                        ],
                        default="email",
                        max_length=12,
                    ),
                ),
                (
                    "asked_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="asked"),
                ),
                ("deadline", models.DateTimeField(help_text="When we told them we would publish.")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("awaiting", "Awaiting a reply"),
                            ("quoted", "Replied: quoted in the story"),
                            ("summarised", "Replied: summarised in the story"),
                            ("declined", "Declined to comment"),
                            ("no_reply", "No reply"),
                        ],
                        default="awaiting",
                        max_length=12,
                    ),
                ),
                (
                    "received_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the reply or refusal came in.",
                        null=True,
                        verbose_name="reply received",
                    ),
                ),
                (
                    "reply",
                    models.TextField(
                        blank=True,
                        help_text="Their reply as received, or our summary of it; for the desk.",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comment_requests",
                        to="articles.article",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        help_text="The organisation asked; leave empty when a named person was asked.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="comment_requests",
                        to="inspections.organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "request for comment",
                "verbose_name_plural": "requests for comment",
                "ordering": ["asked_at", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("channel__in", ["email", "phone", "in_person", "other"])
                        ),
                        name="comment_request_channel_is_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "status__in",
                                ["awaiting", "quoted", "summarised", "declined", "no_reply"],
                            )
                        ),
                        name="comment_request_status_is_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("organisation__isnull", False), ("person_name", "")),
                            models.Q(
                                ("organisation__isnull", True),
                                models.Q(("person_name", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="comment_request_asks_one_recipient",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status__in", ["quoted", "summarised"]), _negated=True),
                            ("received_at__isnull", False),
                            _connector="OR",
                        ),
                        name="comment_request_reply_has_time",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("status__in", ["awaiting", "no_reply"]), _negated=True),
                            ("received_at__isnull", True),
                            _connector="OR",
                        ),
                        name="comment_request_no_reply_has_no_time",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("deadline__gte", models.F("asked_at"))),
                        name="comment_request_deadline_after_asking",
                    ),
                ],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]

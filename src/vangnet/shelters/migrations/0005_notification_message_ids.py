"""Shelter notifications hold a message id and params, rendered in the reader's language (as the case
timeline). Rows written before hold text in the writer's language: where the text is one of the messages in
Dutch or English it is read back into the id and params (place types and decline reasons become codes again;
case numbers and the written time stay as written); a row that cannot be read is shown as written."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from vangnet.cases.timeline import _legacy_labels, _legacy_patterns, parse_legacy
    from vangnet.shelters.models import NOTIFICATION_MESSAGES

    Notification = apps.get_model("shelters", "Notification")
    patterns, labels = _legacy_patterns(NOTIFICATION_MESSAGES), _legacy_labels()
    batch = []
    for row in Notification.objects.only("pk", "message").iterator():
        parsed = parse_legacy(row.message, patterns, labels)
        if parsed:
            row.message, row.params = parsed
            batch.append(row)
        if len(batch) >= 1000:
            Notification.objects.bulk_update(batch, ["message", "params"])
            batch = []
    if batch:
        Notification.objects.bulk_update(batch, ["message", "params"])


class Migration(migrations.Migration):

    dependencies = [
        ('shelters', '0004_placement_request_triage_advice_and_network'),
        ('cases', '0008_timeline_legacy_messages'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='params',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]

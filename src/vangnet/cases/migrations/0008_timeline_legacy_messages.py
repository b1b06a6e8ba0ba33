"""Legacy timeline rows (text in the writer's language) become message ids with params where the text is one of
the services' messages in Dutch or English; the text is kept in ``summary`` as well, so nothing is lost."""

from django.db import migrations


def forwards(apps, schema_editor):
    from vangnet.cases.timeline import _legacy_labels, _legacy_patterns, parse_legacy

    CaseEvent = apps.get_model("cases", "CaseEvent")
    patterns, labels = _legacy_patterns(), _legacy_labels()
    batch = []
    for event in CaseEvent.objects.filter(message="").exclude(summary="").only("pk", "summary").iterator():
        parsed = parse_legacy(event.summary, patterns, labels)
        if parsed:
            event.message, event.params = parsed
            batch.append(event)
        if len(batch) >= 1000:
            CaseEvent.objects.bulk_update(batch, ["message", "params"])
            batch = []
    if batch:
        CaseEvent.objects.bulk_update(batch, ["message", "params"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_case_attachments")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

"""Form rendering for Vangnet's server-rendered pages.

Only the renderer lives here. ``settings.FORM_RENDERER`` points at it, so ``{{ form }}`` and
``{{ field.as_field_group }}`` use NL Design System markup from ``src/vangnet/templates/forms/``;
the widget templates in ``src/vangnet/templates/django/forms/widgets/`` add the NLDS classes.
See ``docs/ui.md``.
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class VangnetFormRenderer(TemplatesSetting):
    """Render forms through the project's template engine with the NLDS form templates.

    ``TemplatesSetting`` uses ``settings.TEMPLATES``, so the project templates directory
    overrides Django's built-in widget templates (``"django.forms"`` must be in
    ``INSTALLED_APPS`` for the ones that are not overridden).
    """

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"

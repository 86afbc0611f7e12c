"""The one admin import page, its form, and the "Import"/"Export" buttons.

`ImportAdminMixin` adds `import/` to a ModelAdmin: an upload form that runs the admin's
`importer_class` on the file, through the same readers and caps as the command line,
and shows the report (errors, warnings and notes) on the page. A bad file is a form
error with status 200, never a 500, and nothing is saved.

With `import_exporter` set, it also adds `export/` (and the Export button): the
requesting officer's own records in the import format, so they can be edited in a
spreadsheet and imported again. `export_selected_for_import` is the same as an
admin action on the selected rows.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from brorebro.importing import ImportError_, Reader, read_table, read_upload


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (comma or semicolon separated, UTF-8) or XLSX, as described in the README."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and show what would change, without saving"),
        required=False,
        initial=True,
    )


class ImportAdminMixin:
    """Adds an "Import" page (and optionally "Export") to a ModelAdmin.

    Declare `importer_class`; optionally `import_form_class` (a subclass of ImportForm),
    `import_reader` (bytes, name → Source; CSV/XLSX by default), `import_title`,
    `importer_kwargs(form)`, `import_help_text()` and `import_exporter`
    (queryset → lines of CSV in the import format).
    """

    importer_class = None
    import_form_class = ImportForm
    import_reader: Reader = staticmethod(read_table)
    import_template = "admin/brorebro/import.html"
    import_title = ""
    # What the file must be, under the file field (the form's own text when empty).
    import_file_help = ""
    # (request, queryset) → a response with the records in the import format; adds Export.
    import_exporter: Callable[[HttpRequest, QuerySet], HttpResponseBase] | None = None
    change_list_template = "admin/brorebro/change_list_import.html"

    def get_urls(self):
        opts = self.model._meta
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{opts.app_label}_{opts.model_name}_import",
            ),
        ]
        if self.import_exporter is not None:
            urls.append(
                path(
                    "export/",
                    self.admin_site.admin_view(self.export_view),
                    name=f"{opts.app_label}_{opts.model_name}_export",
                )
            )
        return urls + super().get_urls()

    # --- permissions: one rule for the page and its button
    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        opts = self.model._meta
        extra_context = dict(extra_context or {})
        if self.has_import_permission(request):
            extra_context["import_url"] = reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
            extra_context["import_label"] = self.import_title or _("Import")
        if self.import_exporter is not None and self.has_view_permission(request):
            extra_context["export_url"] = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
        return super().changelist_view(request, extra_context=extra_context)

    # --- the import page
    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        report = None
        form = self.get_import_form_class()(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                source = self.read_import_source(form)
            except ImportError_ as exc:
                form.add_error("file", str(exc))
            else:
                switches = {name: form.cleaned_data[name] for name in self.importer_class.switches}
                importer = self.importer_class(
                    user=request.user,
                    dry_run=form.cleaned_data["dry_run"],
                    **switches,
                    **self.importer_kwargs(form),
                )
                report = importer.run(source)
                if report.ok and not report.dry_run:
                    messages.success(request, report.summary())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": self.import_title
            or _("Import %(name)s") % {"name": self.model._meta.verbose_name_plural},
            "form": form,
            "report": report,
            "help_text": self.import_help_text(),
        }
        return TemplateResponse(request, self.import_template, context)

    def get_import_form_class(self) -> type[forms.Form]:
        """The form, with a checkbox for each of the importer's switches."""
        fields = {
            name: forms.BooleanField(label=label, required=False)
            for name, label in self.importer_class.switches.items()
        }
        if self.import_file_help:
            fields["file"] = forms.FileField(label=_("File"), help_text=self.import_file_help)
        if not fields:
            return self.import_form_class
        return type("ImportFormWithOptions", (self.import_form_class,), fields)

    def read_import_source(self, form):
        """The uploaded file as rows, size-checked and read by `import_reader`."""
        return read_upload(form.cleaned_data["file"], type(self).import_reader)

    def importer_kwargs(self, form) -> dict:
        return {}

    def import_help_text(self) -> str:
        return ""

    # --- the export in the import format
    def export_view(self, request):
        """Everything the officer may see (the scoped changelist queryset), in the import format."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.import_exporter(request, self.get_queryset(request))


@admin.action(description=_("Download selected in the import format"), permissions=["view"])
def export_selected_for_import(modeladmin, request, queryset):
    """The selected rows (already scoped to the officer) as a file the import takes back."""
    return modeladmin.import_exporter(request, queryset)

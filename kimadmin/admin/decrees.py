"""SK (decree) screen: founding, board confirmation and change, dissolution, with the PDF."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from flask import request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from ..dashboard import decree_expired_criterion, decree_expiring_criterion
from ..models.choices import DECREE_ISSUERS, DECREE_KINDS
from ..models.decrees import Decree
from ..uploads import PdfUploadField, files_follow_transaction, pending_files, send_pdf
from .base import ScopedModelView
from .common import (
    check_not_in_future,
    check_single_owner,
    check_term,
    days_value,
    flag_value,
    id_value,
    owner_link,
    owner_text,
    term_end_with_days_left,
)
from .pickers import forum_picker, kim_picker


def _pdf_link(view: Any, context: Any, decree: Decree, name: str) -> Any:
    if not decree.pdf_path:
        return ""
    return Markup('<a href="{}">{}</a>').format(url_for(".pdf_view", id=decree.id), decree.pdf_name or "PDF")


class DecreeView(ScopedModelView):
    permission = "decree"
    prefill_fields = ("kim", "forum")
    endpoint_actions = {"pdf_view": "view"}
    list_loader_options = (joinedload(Decree.kim), joinedload(Decree.forum))

    column_list = ("number", "kind", "owner", "issued_on", "issuer", "term_end", "pdf_name")
    column_details_list = (*column_list[:-2], "subject", "term_start", "term_end", "pdf_name", "updated_at")
    column_export_list = ("number", "kind", "owner", "issued_on", "issuer", "subject", "term_start", "term_end")
    column_sortable_list = ("number", "issued_on", "term_end", ("owner", "kim.name"))
    column_default_sort = [("issued_on", True), ("id", True)]
    column_searchable_list = ("number", "subject", "kim.name")
    column_filters = ("kind", "issuer", "issued_on", "term_end")
    column_choices = {"kind": list(DECREE_KINDS.items()), "issuer": list(DECREE_ISSUERS.items())}
    column_formatters = {"owner": owner_link, "term_end": term_end_with_days_left, "pdf_name": _pdf_link}
    column_formatters_export = {"owner": owner_text}
    column_labels = {
        "number": _l("Decree number"),
        "kind": _l("Kind"),
        "owner": _l("KIM / forum"),
        "kim": _l("KIM"),
        "kim.name": _l("KIM"),
        "forum": _l("FK Metra forum"),
        "issued_on": _l("Decree date"),
        "issuer": _l("Issued by"),
        "subject": _l("Subject"),
        "term_start": _l("Term start"),
        "term_end": _l("Term end"),
        "pdf": _l("Decree PDF"),
        "pdf_name": _l("PDF"),
        "updated_at": _l("Last changed"),
    }
    url_filters = {
        "expiring": lambda value: decree_expiring_criterion(date.today(), days_value(value)),
        "expired": lambda value: flag_value(value) and decree_expired_criterion(date.today()),
        "kim": lambda value: Decree.kim_id == id_value(value),
        "forum": lambda value: Decree.forum_id == id_value(value),
    }
    url_filter_labels = {
        "expiring": _l("Term ends within (days)"),
        "expired": _l("Term ended, not renewed"),
        "kim": _l("KIM"),
        "forum": _l("FK Metra forum"),
    }

    form_columns = ("kim", "forum", "kind", "number", "issued_on", "issuer", "subject", "term_start", "term_end", "pdf")
    form_choices = {"kind": list(DECREE_KINDS.items()), "issuer": list(DECREE_ISSUERS.items())}
    form_ajax_refs = {"kim": kim_picker(), "forum": forum_picker()}
    form_extra_fields = {
        "pdf": PdfUploadField(_l("Decree PDF"), description=_l("A scan of the signed decree: PDF only, at most 10 MB."))
    }
    form_args = {
        "kim": {"description": _l("For the FK Metra forum's decree, leave this empty and choose the forum.")},
        "term_start": {"description": _l("Term of office (masa bakti) confirmed by this decree, if any.")},
    }
    form_widget_args = {"pdf": {"accept": "application/pdf,.pdf"}}

    def edit_form(self, obj: Any = None) -> Any:
        form = super().edit_form(obj)
        if obj is not None and obj.pdf_path and "pdf" in form:
            form.pdf.description = _(
                "Stored: %(name)s (%(size)d KB). Choose a new PDF only to replace it.",
                name=obj.pdf_name or "PDF",
                size=max(1, (obj.pdf_size or 0) // 1024),
            )
        return form

    def on_model_change(self, form: Any, decree: Decree, is_created: bool) -> None:
        check_single_owner(decree.kim, decree.forum)
        check_not_in_future(decree.issued_on, _("The decree date cannot be in the future."))
        check_term(decree.term_start, decree.term_end)
        upload = form.pdf if "pdf" in form else None
        if upload is not None and upload.pdf_bytes:
            # Written last, once every rule passed; removed again if the transaction fails.
            files = pending_files()
            files.remove_after_commit(decree.pdf_path)
            decree.pdf_path = files.save(upload.pdf_bytes)
            decree.pdf_name = upload.original_name or "sk.pdf"
            decree.pdf_size = len(upload.pdf_bytes)

    def on_model_delete(self, decree: Decree) -> None:
        pending_files().remove_after_commit(decree.pdf_path)

    def create_model(self, form: Any) -> Any:
        return files_follow_transaction(partial(super().create_model, form))

    def update_model(self, form: Any, decree: Decree) -> Any:
        return files_follow_transaction(partial(super().update_model, form, decree))

    def delete_model(self, decree: Decree) -> Any:
        return files_follow_transaction(partial(super().delete_model, decree))

    @expose("/pdf/")
    def pdf_view(self) -> Any:
        """The decree's PDF, only for users who may see the decree (404 otherwise)."""
        decree = self.get_one(request.args.get("id"))
        return send_pdf(decree.pdf_path, decree.pdf_name)

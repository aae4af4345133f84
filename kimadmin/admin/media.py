"""A KIM's media channels and the content it produced."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from wtforms import ValidationError

from ..models.choices import CONTENT_KINDS, MEDIA_PLATFORMS
from ..models.media import ContentItem, MediaChannel
from .base import ScopedModelView
from .common import check_not_in_future, choice_label, id_value, owner_link
from .pickers import channel_picker, kim_picker

_KIM_FILTER = {"kim": lambda value: MediaChannel.kim_id == id_value(value)}


class MediaChannelView(ScopedModelView):
    permission = "media_channel"
    prefill_fields = ("kim",)
    list_loader_options = (joinedload(MediaChannel.kim),)

    column_list = ("kim", "platform", "handle", "followers", "followers_checked_on", "active")
    column_details_list = (*column_list, "updated_at")
    column_export_list = ("kim.name", "platform", "handle", "followers", "followers_checked_on", "active")
    column_sortable_list = ("platform", "followers", "followers_checked_on", ("kim", "kim.name"))
    column_default_sort = [("kim_id", False), ("id", False)]
    column_searchable_list = ("handle", "kim.name")
    column_filters = ("platform", "active", "followers_checked_on")
    column_choices = {"platform": list(MEDIA_PLATFORMS.items())}
    column_formatters = {"kim": owner_link}
    column_formatters_export = {"platform": choice_label(MEDIA_PLATFORMS)}
    column_labels = {
        "kim": _l("KIM"),
        "kim.name": _l("KIM"),
        "platform": _l("Platform"),
        "handle": _l("Account or address"),
        "followers": _l("Followers"),
        "followers_checked_on": _l("Followers counted on"),
        "active": _l("Active"),
        "updated_at": _l("Last changed"),
    }
    url_filters = _KIM_FILTER
    url_filter_labels = {"kim": _l("KIM")}

    form_columns = ("kim", "platform", "handle", "followers", "followers_checked_on", "active")
    form_choices = {"platform": list(MEDIA_PLATFORMS.items())}
    form_ajax_refs = {"kim": kim_picker()}
    form_args = {"handle": {"description": _l("The account name (@kimmanteb) or the address (https://...).")}}

    def on_model_change(self, form: Any, channel: MediaChannel, is_created: bool) -> None:
        check_not_in_future(channel.followers_checked_on, _("The followers cannot be counted in the future."))


class ContentView(ScopedModelView):
    permission = "content"
    prefill_fields = ("kim", "channel")
    list_loader_options = (joinedload(ContentItem.kim), joinedload(ContentItem.channel))

    column_list = ("published_on", "title", "kind", "kim", "channel", "topic")
    column_details_list = (*column_list, "url", "updated_at")
    column_export_list = ("published_on", "title", "kind", "kim.name", "channel", "topic", "url")
    column_sortable_list = ("published_on", "title", "kind", ("kim", "kim.name"))
    column_default_sort = [("published_on", True), ("id", True)]
    column_searchable_list = ("title", "topic", "kim.name")
    column_filters = ("kind", "published_on")
    column_choices = {"kind": list(CONTENT_KINDS.items())}
    column_formatters = {"kim": owner_link}
    column_formatters_export = {"kind": choice_label(CONTENT_KINDS)}
    column_labels = {
        "published_on": _l("Published on"),
        "title": _l("Title"),
        "kind": _l("Kind"),
        "kim": _l("KIM"),
        "kim.name": _l("KIM"),
        "channel": _l("Channel"),
        "topic": _l("Topic"),
        "url": _l("Link"),
        "updated_at": _l("Last changed"),
    }
    url_filters = {"kim": lambda value: ContentItem.kim_id == id_value(value)}
    url_filter_labels = {"kim": _l("KIM")}

    form_columns = ("kim", "title", "kind", "published_on", "url", "channel", "topic")
    form_choices = {"kind": list(CONTENT_KINDS.items())}
    form_ajax_refs = {"kim": kim_picker(), "channel": channel_picker()}
    form_args = {"channel": {"description": _l("One of this KIM's media channels, if it was published there.")}}

    def on_model_change(self, form: Any, item: ContentItem, is_created: bool) -> None:
        check_not_in_future(item.published_on, _("The publication date cannot be in the future."))
        if item.channel is not None and item.channel.kim is not item.kim:
            raise ValidationError(_("The channel %(channel)s belongs to another KIM.", channel=item.channel.handle))

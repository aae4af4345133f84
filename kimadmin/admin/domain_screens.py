"""The KIM domain's screens in menu order, registered by :func:`kimadmin.admin.init_app`.

Endpoints are fixed: the KIM page, the dashboard and plugins link to them (``/admin/<endpoint>/``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import (
    Activity,
    Award,
    Board,
    BoardMember,
    ContentItem,
    Decree,
    FkMetraForum,
    FkMetraGroup,
    FkMetraPerformance,
    KimLevel,
    MediaChannel,
    MonevAssessment,
    MonevIndicator,
)
from .activities import ActivityView, StudyVisitView
from .awards import AwardView
from .boards import BoardMemberView, BoardView
from .decrees import DecreeView
from .fkmetra import FkMetraForumView, FkMetraGroupView, FkMetraPerformanceView
from .media import ContentView, MediaChannelView
from .monev import MonevView
from .settings import KimLevelView, MonevIndicatorView

_DECREES = _l("Decrees and boards")
_ACTIVITIES = _l("Activities")
_MEDIA = _l("Media and content")
_FKMETRA = _l("FK Metra")

# (view class, model, menu label, endpoint, menu category or None)
DOMAIN_VIEWS = (
    (DecreeView, Decree, _l("Decrees (SK)"), "decree", _DECREES),
    (BoardView, Board, _l("Boards"), "board", _DECREES),
    (BoardMemberView, BoardMember, _l("Board members"), "board_member", _DECREES),
    (ActivityView, Activity, _l("Activities"), "activity", _ACTIVITIES),
    (StudyVisitView, Activity, _l("Study visits"), "study_visit", _ACTIVITIES),
    (MonevView, MonevAssessment, _l("Monev"), "monev", _ACTIVITIES),
    (MediaChannelView, MediaChannel, _l("Media channels"), "media_channel", _MEDIA),
    (ContentView, ContentItem, _l("Content"), "content", _MEDIA),
    (AwardView, Award, _l("Awards"), "award", None),
    (FkMetraForumView, FkMetraForum, _l("Forum"), "fkmetra_forum", _FKMETRA),
    (FkMetraGroupView, FkMetraGroup, _l("Arts groups"), "fkmetra_group", _FKMETRA),
    (FkMetraPerformanceView, FkMetraPerformance, _l("Performances"), "fkmetra_performance", _FKMETRA),
)
# Lists a regency tailors, under "Settings": (view class, model, menu label, endpoint)
SETTINGS_VIEWS = (
    (KimLevelView, KimLevel, _l("KIM levels"), "kim_level"),
    (MonevIndicatorView, MonevIndicator, _l("Monev indicators"), "monev_indicator"),
)

"""Core models, one module per concern. Importing this package registers them all."""

from ..trash.models import TrashBatch
from .activities import Activity, ActivityParticipant
from .auth_events import AuthEvent
from .awards import Award
from .boards import Board, BoardMember
from .decrees import Decree
from .fkmetra import FkMetraForum, FkMetraGroup, FkMetraPerformance, performance_group
from .imports import ImportBatch, ImportRecord
from .kim import KIM_STATUSES, Kim, KimLevel, KimStatusChange
from .media import ContentItem, MediaChannel
from .monev import MonevAssessment, MonevIndicator, MonevScore
from .plugins import PluginActivation
from .regions import District, Province, Regency, Village
from .users import AuthSession, PasswordResetToken, Permission, RecoveryCode, Role, User, role_permission

__all__ = [
    "KIM_STATUSES",
    "Activity",
    "ActivityParticipant",
    "AuthEvent",
    "AuthSession",
    "Award",
    "Board",
    "BoardMember",
    "ContentItem",
    "Decree",
    "District",
    "FkMetraForum",
    "FkMetraGroup",
    "FkMetraPerformance",
    "ImportBatch",
    "ImportRecord",
    "Kim",
    "KimLevel",
    "KimStatusChange",
    "MediaChannel",
    "MonevAssessment",
    "MonevIndicator",
    "MonevScore",
    "PasswordResetToken",
    "Permission",
    "PluginActivation",
    "Province",
    "RecoveryCode",
    "Regency",
    "Role",
    "TrashBatch",
    "User",
    "Village",
    "performance_group",
    "role_permission",
]

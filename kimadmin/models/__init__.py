"""Core models, one module per concern. Importing this package registers them all."""

from .kim import KIM_STATUSES, Kim
from .regions import District, Province, Regency, Village
from .users import Permission, Role, User, role_permission

__all__ = [
    "KIM_STATUSES",
    "District",
    "Kim",
    "Permission",
    "Province",
    "Regency",
    "Role",
    "User",
    "Village",
    "role_permission",
]

"""The newsroom's CMS: the desk for stories, corrections, people and filing."""

from . import accounts, corrections, dashboard, filing, replies, review, stories

__all__ = ["accounts", "corrections", "dashboard", "filing", "replies", "review", "stories"]

"""The newsroom's CMS: the desk for stories, corrections, people and filing."""

from . import accounts, corrections, filing, replies, review, stories

__all__ = ["accounts", "corrections", "filing", "replies", "review", "stories"]

"""What the newsroom publishes: stories, the people who write them, and corrections."""

import reversion

from .attention import StoryAttention, StoryAttentionQuerySet
from .corrections import (
    LISTED_CORRECTION_KINDS,
    Correction,
    CorrectionAmendment,
    CorrectionKind,
    CorrectionLocked,
    CorrectionQuerySet,
    CorrectionUnlock,
    Placement,
)
from .desk import Autosave, KeptUpload, Presence
from .fields import (
    CONTROL_CHARACTERS,
    ProseBodyField,
    image_upload_to,
    sanitise_body,
    validate_image_size,
)
from .replies import (
    Channel,
    CommentRequest,
    CommentRequestQuerySet,
    ReplyStatus,
)
from .review import ReviewLink, ReviewLinkQuerySet, ReviewLinkVisit
from .sources import StorySource
from .stories import (
    ALT_TEXT_NEEDED,
    BYLINE_NEEDED,
    Article,
    ArticleQuerySet,
    Author,
    Byline,
    BylineRole,
    Section,
    SlugRedirect,
    Status,
    Tag,
    is_administrator,
)

__all__ = [
    "ALT_TEXT_NEEDED",
    "BYLINE_NEEDED",
    "CONTROL_CHARACTERS",
    "LISTED_CORRECTION_KINDS",
    "Article",
    "ArticleQuerySet",
    "Autosave",
    "Author",
    "Byline",
    "BylineRole",
    "Channel",
    "CommentRequest",
    "CommentRequestQuerySet",
    "Correction",
    "CorrectionAmendment",
    "CorrectionKind",
    "CorrectionLocked",
    "CorrectionQuerySet",
    "CorrectionUnlock",
    "KeptUpload",
    "Placement",
    "Presence",
    "ProseBodyField",
    "ReviewLink",
    "ReviewLinkQuerySet",
    "ReviewLinkVisit",
    "ReplyStatus",
    "Section",
    "SlugRedirect",
    "Status",
    "StoryAttention",
    "StoryAttentionQuerySet",
    "StorySource",
    "Tag",
    "image_upload_to",
    "is_administrator",
    "sanitise_body",
    "validate_image_size",
]

# History: a story's revision holds its bylines (followed) and its tags and reports (many-to-many
# fields serialised with it); corrections keep their own history of any Administrator's change.
reversion.register(Byline)
reversion.register(Article, follow=["bylines"])
reversion.register(Correction)
reversion.register(CorrectionAmendment)

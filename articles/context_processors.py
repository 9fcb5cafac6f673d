"""What base.html needs on every page, including the inspections app's pages."""

from .templatetags.articles import absolute
from .views import nav_sections


def site(request):
    """Navigation and the canonical address, worked out only if a template uses them."""
    return {
        # The page cache has already read the generation for this request; don't read it twice.
        "sections": lambda: nav_sections(getattr(request, "content_generation", None)),
        "canonical_url": lambda: absolute(request.path),
    }

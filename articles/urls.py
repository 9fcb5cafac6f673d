from django.urls import path

from newsroom.site import reader_pages

from . import feeds, review, views

app_name = "articles"
urlpatterns = reader_pages(
    [
        path("", views.home, name="home"),
        path("news/<slug:slug>/", views.article_detail, name="detail"),
        path("section/<slug:slug>/", views.section_detail, name="section"),
        path("tag/<slug:slug>/", views.tag_detail, name="tag"),
        path("author/<slug:slug>/", views.author_detail, name="author"),
        path("search/", views.search, name="search"),
        path("review/<str:token>/", review.review_copy, name="review"),
        path("corrections/", views.correction_list, name="corrections"),
        path("about/<path:url>", views.about_page, name="about"),
        path("feeds/latest.rss", feeds.LatestStories(), name="feed_rss"),
        path("feeds/latest.atom", feeds.LatestStoriesAtom(), name="feed_atom"),
        path("feeds/section/<slug:slug>.rss", feeds.SectionStories(), name="section_feed_rss"),
        path(
            "feeds/section/<slug:slug>.atom", feeds.SectionStoriesAtom(), name="section_feed_atom"
        ),
        path("feeds/author/<slug:slug>.rss", feeds.AuthorStories(), name="author_feed_rss"),
        path("feeds/author/<slug:slug>.atom", feeds.AuthorStoriesAtom(), name="author_feed_atom"),
        path("feeds/tag/<slug:slug>.rss", feeds.TagStories(), name="tag_feed_rss"),
        path("feeds/tag/<slug:slug>.atom", feeds.TagStoriesAtom(), name="tag_feed_atom"),
        path("feeds/corrections.rss", feeds.LatestCorrections(), name="corrections_feed_rss"),
        path("feeds/corrections.atom", feeds.LatestCorrectionsAtom(), name="corrections_feed_atom"),
    ]
)

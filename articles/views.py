from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers

from .models import Article, Author, Section, Tag


def home(request):
    articles = Article.objects.published().for_listing()[:20]
    return render(request, "articles/home.html", {"articles": articles})


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    articles = section.articles.published().for_listing()[:20]
    return render(request, "articles/home.html", {"articles": articles, "title": section.name})


def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = tag.articles.published().for_listing()[:20]
    return render(request, "articles/home.html", {"articles": articles, "title": tag.name})


def author_detail(request, slug):
    author = get_object_or_404(Author, slug=slug)
    articles = author.articles.published().for_listing()[:20]
    return render(request, "articles/home.html", {"articles": articles, "title": author.name})


def article_detail(request, slug):
    articles = Article.objects.all() if request.user.is_staff else Article.objects.published()
    article = get_object_or_404(articles.select_related("section"), slug=slug)
    response = render(request, "articles/article_detail.html", {"article": article})
    if not article.is_published():
        add_never_cache_headers(response)
    return response

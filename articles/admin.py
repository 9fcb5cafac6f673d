from django.contrib import admin

from .models import Article, Author, Section, Tag

admin.site.register([Article, Author, Section, Tag])

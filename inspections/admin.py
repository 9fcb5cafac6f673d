from django.contrib import admin

from .models import InspectionReport

admin.site.register([InspectionReport])

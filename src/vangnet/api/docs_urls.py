from django.urls import path

from vangnet.api import docs

urlpatterns = [
    path("", docs.api_index, name="api-index"),
    path("v1/", docs.v1_index, name="api-v1"),
    path("schema/", docs.schema_yaml, name="api-schema"),
    path("docs/", docs.docs, name="api-docs"),
]

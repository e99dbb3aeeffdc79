"""404 and 500 pages in the site's theme and the visitor's language."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors here: they may need the database that just failed.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request": request}))

"""The RSS feed of a newsletter archive (in the archive page's language)."""

from __future__ import annotations

from django.utils.feedgenerator import Rss201rev2Feed


def archive_feed(index, request) -> bytes:
    root = index.get_site().root_url.rstrip("/")
    feed = Rss201rev2Feed(
        title=index.title,
        link=root + index.get_url(request),
        description=index.intro or index.title,
        language=index.locale.language_code,
        feed_url=root + request.path,
    )
    for issue in index.sent_issues()[:30]:
        url = root + issue.get_url(request)
        feed.add_item(
            title=issue.title,
            link=url,
            unique_id=url,
            description=issue.intro,
            pubdate=issue.first_published_at,
        )
    return feed.writeString("utf-8").encode()

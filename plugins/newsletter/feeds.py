"""The RSS feed of a newsletter archive (in the archive page's language)."""

from __future__ import annotations

from django.utils.feedgenerator import Rss201rev2Feed

from treffpunkt.links import absolute_url, site_root


def archive_feed(index, request) -> bytes:
    site = index.get_site()
    root = site_root(site)
    feed = Rss201rev2Feed(
        title=index.title,
        link=absolute_url(site, index),
        description=index.intro or index.title,
        language=index.locale.language_code,
        feed_url=root + request.path,
    )
    for issue in index.sent_issues()[:30]:
        url = absolute_url(site, issue)
        feed.add_item(
            title=issue.title,
            link=url,
            unique_id=url,
            description=issue.intro,
            pubdate=issue.first_published_at,
        )
    return feed.writeString("utf-8").encode()

"""The network of a town: action fields, organisations, working groups and measures.

Working-group membership is read through :mod:`networks.membership` only; other apps never
query :class:`Membership` rows directly.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, Site, TranslatableMixin
from wagtail.search import index

from treffpunkt.core.blocks import body_blocks
from treffpunkt.core.languages import languages_field, split_languages
from treffpunkt.core.sites import site_of_page

# --- action fields ------------------------------------------------------------------------


class ActionField(TranslatableMixin, index.Indexed, models.Model):
    """A field of action (Handlungsfeld) with its guiding principle (Leitsatz) and goal."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leave empty to use this action field on every site."),
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, allow_unicode=True)
    guiding_principle = models.TextField(_("guiding principle"), max_length=2000, blank=True)
    goal = models.TextField(_("goal"), max_length=2000, blank=True)
    icon = models.CharField(
        _("icon"),
        max_length=40,
        blank=True,
        help_text=_("Short name of the icon, e.g. language, housing, education."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("site"),
        FieldPanel("guiding_principle"),
        FieldPanel("goal"),
        FieldRowPanel([FieldPanel("icon"), FieldPanel("sort_order")]),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("guiding_principle"),
        index.SearchField("goal"),
        index.AutocompleteField("name"),
        index.FilterField("locale_id"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("action field")
        verbose_name_plural = _("action fields")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


# --- organisations and their contacts --------------------------------------------------------


class Organisation(ClusterableModel, index.Indexed):
    """A member organisation of the network, or another place people are referred to."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("association")
        AUTHORITY = "authority", _("authority")
        WELFARE = "welfare", _("welfare organisation")
        MIGRANT_ORGANISATION = "migrant_organisation", _("migrant self-organisation")
        SCHOOL = "school", _("school")
        DAYCARE = "daycare", _("day-care centre")
        EDUCATION = "education", _("adult education")
        RELIGIOUS = "religious", _("religious community")
        INITIATIVE = "initiative", _("volunteer initiative")
        BUSINESS = "business", _("business or chamber")
        OTHER = "other", _("other")

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The town whose directory lists this organisation."),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    is_member = models.BooleanField(
        _("member of the network"),
        default=True,
        help_text=_("Shown among the member organisations on the network page."),
    )
    description = models.TextField(_("description"), max_length=3000, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("town"), max_length=100, blank=True)
    opening_hours = models.TextField(_("opening hours"), max_length=1000, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    languages = languages_field(_("languages offered"))
    services = models.TextField(_("services"), max_length=3000, blank=True)
    action_fields = ParentalManyToManyField(
        ActionField, verbose_name=_("action fields"), blank=True, related_name="organisations"
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("slug"),
                FieldPanel("site"),
                FieldPanel("kind"),
                FieldPanel("is_member"),
            ],
            heading=_("Organisation"),
        ),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
                FieldPanel("opening_hours"),
                FieldPanel("website"),
                FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
            ],
            heading=_("Address and opening hours"),
        ),
        FieldPanel("languages"),
        FieldPanel("services"),
        FieldPanel("action_fields"),
        InlinePanel("contacts", label=_("Contact persons")),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("description"),
        index.SearchField("services"),
        index.SearchField("city"),
        # Whom to ask: a contact's name or role ("Migrationsberatung") finds the organisation.
        index.RelatedFields("contacts", [index.SearchField("name"), index.SearchField("role")]),
        index.FilterField("kind"),
        index.FilterField("site_id"),
    ]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def language_codes(self) -> list[str]:
        return split_languages(self.languages)

    @property
    def address_lines(self) -> list[str]:
        town = " ".join(part for part in [self.postcode, self.city] if part)
        return [line for line in [self.street, town] if line]


class ContactPerson(Orderable):
    """Whom to ask at an organisation, about which fields, in which languages."""

    organisation = ParentalKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    languages = languages_field(_("languages spoken"))
    action_fields = ParentalManyToManyField(
        ActionField,
        verbose_name=_("responsible for"),
        blank=True,
        related_name="contact_persons",
        help_text=_("Leave empty if this person answers questions of every field."),
    )

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("role")]),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
        FieldPanel("languages"),
        FieldPanel("action_fields"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name

    @property
    def language_codes(self) -> list[str]:
        return split_languages(self.languages)


# --- the network and its working groups --------------------------------------------------


class NetworkPage(RoutablePageMixin, Page):
    """The network of a site: mission, guiding principles, structure and members."""

    #: how many member organisations and working groups the page lists; the directory and
    #: the working-group index list them all, page by page
    MEMBERS_SHOWN = 48
    GROUPS_SHOWN = 12

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)
    mission = RichTextField(
        _("mission"), blank=True, features=["bold", "italic", "link", "ul", "ol"]
    )
    guiding_principles = StreamField(
        [
            (
                "principle",
                blocks.RichTextBlock(
                    label=_("Guiding principle"), features=["bold", "italic", "link"]
                ),
            )
        ],
        verbose_name=_("guiding principles"),
        blank=True,
    )
    structure = RichTextField(
        _("structure"),
        blank=True,
        features=["h3", "bold", "italic", "link", "ul", "ol"],
        help_text=_("Steering group, coordinators, the bodies the network reports to."),
    )
    reports_to = models.CharField(
        _("reports to"),
        max_length=300,
        blank=True,
        help_text=_("Council committees the network reports to."),
    )
    body = StreamField(body_blocks(), verbose_name=_("more content"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("mission"),
        FieldPanel("guiding_principles"),
        FieldPanel("structure"),
        FieldPanel("reports_to"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("mission"),
        index.SearchField("structure"),
    ]
    parent_page_types = ["core.HomePage"]
    subpage_types = [
        "networks.WorkingGroupIndexPage",
        "networks.OrganisationDirectoryPage",
        "networks.MeasureIndexPage",
        "core.ContentPage",
    ]
    max_count_per_parent = 1
    template = "networks/network_page.html"

    def get_context(self, request, *args, **kwargs):
        from . import queries
        from .network_sections import shared_sections

        context = super().get_context(request, *args, **kwargs)
        site = site_of_page(self, request)
        context["action_fields"] = queries.action_fields_for(site) if site else []
        shown, count = queries.member_organisations(site, self.MEMBERS_SHOWN) if site else ([], 0)
        context["member_organisations"] = shown
        context["member_count"] = count
        children = self._sections(site)
        context["directory_page"] = children.get(OrganisationDirectoryPage)
        context["measures_page"] = children.get(MeasureIndexPage)
        index = children.get(WorkingGroupIndexPage)
        directory = context["directory_page"]
        context["directory_url"] = directory.get_url(request) if directory else ""
        context["working_group_index"] = index
        groups = queries.kept_working_groups(index, site, request.user) if index else []
        context["working_groups"] = groups[: self.GROUPS_SHOWN]
        context["working_group_count"] = len(groups)
        context["upcoming_events"] = queries.upcoming_events(site, request.user)
        context["shared_sections"] = shared_sections(request, site, self, context)
        return context

    def _sections(self, site) -> dict[type, Page]:
        """The live sections below the page in its language, by type (their type, title and
        address; their own fields are not read): the same for every visitor, kept with the
        chrome, which every page published, moved or deleted renews."""
        from treffpunkt.core import chrome

        def compute() -> dict[type, Page]:
            children = (
                self.get_children().live().filter(locale_id=self.locale_id).specific(defer=True)
            )
            return {type(child): child for child in children}

        return chrome.cached("network-sections", site, "", compute, self.pk)

    class Meta:
        verbose_name = _("network page")


class OrganisationDirectoryPage(RoutablePageMixin, Page):
    """The public directory of organisations and contact persons of the site."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["networks.NetworkPage", "core.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "networks/organisation_directory_page.html"

    @path("")
    def list_view(self, request):
        from .views import directory

        return directory(request, self)

    @path("<str:slug>/", name="organisation")
    def detail_view(self, request, slug):
        from .views import organisation_detail

        return organisation_detail(request, self, slug)

    def sitemap_subpages(self, request) -> list[dict]:
        """Each organisation of the directory's town, for ``/sitemap.xml``."""
        from .queries import organisations_for_sitemap

        return [
            {"path": self.reverse_subpage("organisation", kwargs={"slug": slug})}
            for slug in organisations_for_sitemap(Site.find_for_request(request))
        ]

    @path("<str:slug>/vcard/", name="vcard")
    def vcard_view(self, request, slug):
        from .views import organisation_vcard

        return organisation_vcard(request, self, slug)

    class Meta:
        verbose_name = _("organisation directory")


class MeasureIndexPage(RoutablePageMixin, Page):
    """The public measures database of the site: list, filters, detail pages, exports."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["networks.NetworkPage", "core.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "networks/measure_index_page.html"

    @path("")
    def list_view(self, request):
        from .views import measures

        return measures(request, self)

    @path("export-csv/", name="csv")
    def csv_view(self, request):
        from .views import measures_export

        return measures_export(request, self, "csv")

    @path("export-xlsx/", name="xlsx")
    def xlsx_view(self, request):
        from .views import measures_export

        return measures_export(request, self, "xlsx")

    def sitemap_subpages(self, request) -> list[dict]:
        """Each measure of the town, for ``/sitemap.xml``."""
        from .queries import measures_for_sitemap

        return [
            {"path": self.reverse_subpage("measure", kwargs={"slug": slug}), "lastmod": changed}
            for slug, changed in measures_for_sitemap(Site.find_for_request(request))
        ]

    @path("<str:slug>/", name="measure")
    def detail_view(self, request, slug):
        from .views import measure_detail

        return measure_detail(request, self, slug)

    class Meta:
        verbose_name = _("measures database")


class WorkingGroupIndexPage(Page):
    """The working groups of the network."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["networks.NetworkPage"]
    subpage_types = ["networks.WorkingGroupPage"]
    max_count_per_parent = 1
    template = "networks/working_group_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from . import queries
        from .forms import GroupFilterForm

        context = super().get_context(request, *args, **kwargs)
        site = site_of_page(self, request)
        form = GroupFilterForm(
            request.GET or None,
            action_fields=queries.action_fields_for(site) if site else [],
        )
        filters = form.cleaned_data if form.is_valid() else {}
        context["form"] = form
        groups = queries.kept_working_groups(self, site, request.user, **filters)
        page_obj = Paginator(groups, 24).get_page(request.GET.get("page"))
        context["page_obj"] = page_obj
        context["working_groups"] = list(page_obj.object_list)
        context["filter_query"] = urlencode(
            {k: v for k, v in request.GET.items() if k in ("action_field", "status") and v}
        )
        return context

    class Meta:
        verbose_name = _("working group index")


class WorkingGroupPage(RoutablePageMixin, Page):
    """A working group (Arbeitsgruppe): public page plus a private space for its members."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        TEMPORARY = "temporary", _("temporary")
        CLOSED = "closed", _("closed")

    purpose = models.TextField(_("purpose"), max_length=2000)
    guiding_questions = models.TextField(
        _("guiding questions"),
        max_length=3000,
        blank=True,
        help_text=_("One question a line."),
    )
    action_field = models.ForeignKey(
        ActionField,
        verbose_name=_("action field"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="working_groups",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    public_results = StreamField(body_blocks(), verbose_name=_("public results"), blank=True)
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        verbose_name=_("document collection"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Documents in this collection are served to the group's members only."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("purpose"),
        FieldPanel("guiding_questions"),
        FieldRowPanel([FieldPanel("action_field"), FieldPanel("status")]),
        FieldPanel("public_results"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("purpose"),
        index.SearchField("guiding_questions"),
        index.FilterField("status"),
    ]
    parent_page_types = ["networks.WorkingGroupIndexPage"]
    subpage_types: list[str] = []
    template = "networks/working_group_page.html"

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def save(self, *args, **kwargs):
        # Every group gets its own document collection; the before_serve_document hook
        # serves the files in it to members only.
        if self.collection_id is None and not self.alias_of_id:
            self.collection = working_group_collection(self.title, self._site_for_collection())
        return super().save(*args, **kwargs)

    def _site_for_collection(self):
        from wagtail.models import Site

        from treffpunkt.accounts.roles import site_of_page

        # a new page has its place in the tree (path) before its url_path is set
        page = self if self.url_path else (self.get_parent() if self.path else None)
        if page is None:
            return None
        site_id = site_of_page(page)
        return Site.objects.filter(pk=site_id).first() if site_id else None

    @path("")
    def public_view(self, request):
        from .views import working_group_public

        return working_group_public(request, self)

    @path("beitreten/", name="join")
    def join_view(self, request):
        from .views import working_group_join

        return working_group_join(request, self)

    @path("verlassen/", name="leave")
    def leave_view(self, request):
        from .views import working_group_leave

        return working_group_leave(request, self)

    @path("intern/", name="space")
    def space_view(self, request):
        from .views import working_group_space

        return working_group_space(request, self)

    @path("intern/mitglieder/", name="decide")
    def decide_view(self, request):
        from .views import working_group_decide

        return working_group_decide(request, self)

    @path("intern/beitrag/", name="post")
    def post_view(self, request):
        from .views import working_group_post

        return working_group_post(request, self)

    @path("intern/dokument/", name="upload")
    def upload_view(self, request):
        from .views import working_group_upload

        return working_group_upload(request, self)

    @path("intern/emails/", name="emails")
    def emails_view(self, request):
        from .views import working_group_emails

        return working_group_emails(request, self)

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.guiding_questions.splitlines() if line.strip()]

    @property
    def accepts_members(self) -> bool:
        return self.status != self.Status.CLOSED


def _groups_collection_parent(site=None):
    """The collection "Arbeitsgruppen" inside the town's own collection (where the town's
    managers may choose documents), made if missing; without a town's collection (a group
    outside every site), the one at the root."""
    from wagtail.models import Collection

    from treffpunkt.accounts.roles import site_collection

    parent = site_collection(site)
    if parent is None:
        parent = Collection.get_first_root_node() or Collection.add_root(name="Root")
    holder = parent.get_children().filter(name="Arbeitsgruppen").first()
    return holder if holder is not None else parent.add_child(name="Arbeitsgruppen")


def working_group_collection(title: str, site=None):
    """A new collection for a group's documents, in its town's collection."""
    return _groups_collection_parent(site).add_child(name=title[:255])


def rehome_group_collections() -> int:
    """Move every group's collection that is not yet inside its town's collection there
    (groups made before collections were per town); returns how many moved. The documents
    keep their collection, so the group's access rules stay as they were."""
    from treffpunkt.accounts.roles import site_collection

    moved = 0
    for group in WorkingGroupPage.objects.filter(
        collection__isnull=False, alias_of__isnull=True
    ).select_related("collection"):
        site = group._site_for_collection()
        town = site_collection(site)
        if town is None or group.collection.is_descendant_of(town):
            continue
        group.collection.move(_groups_collection_parent(site), pos="sorted-child")
        moved += 1
    return moved


class Membership(models.Model):
    """A person's or an organisation's membership of a working group, from request to end."""

    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        COORDINATOR = "coordinator", _("coordinator")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ACTIVE = "active", _("active")
        DECLINED = "declined", _("declined")
        LEFT = "left", _("left")
        REMOVED = "removed", _("removed")

    working_group = models.ForeignKey(
        WorkingGroupPage,
        verbose_name=_("working group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="working_group_memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="working_group_memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    receive_announcements = models.BooleanField(
        _("receive internal announcements by email"), default=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["working_group", "-role", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, organisation__isnull=True)
                | Q(user__isnull=True, organisation__isnull=False),
                name="networks_membership_user_xor_organisation",
            ),
            # One row per member and group: a new request after leaving reuses it.
            models.UniqueConstraint(
                fields=["working_group", "user"],
                condition=Q(user__isnull=False),
                name="networks_membership_unique_user",
            ),
            models.UniqueConstraint(
                fields=["working_group", "organisation"],
                condition=Q(organisation__isnull=False),
                name="networks_membership_unique_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_name} – {self.working_group.title}"

    def save(self, *args, **kwargs) -> None:
        # The signal goes out from here, so that changes made in the admin reach the chat
        # (which closes the connections of someone removed) just as the front end's do.
        from .signals import membership_changed

        old_status, old_role = getattr(self, "_saved_state", (None, None))
        super().save(*args, **kwargs)
        self._saved_state = (self.status, self.role)
        if old_status != self.status or old_role != self.role:
            membership_changed.send(
                sender=Membership, membership=self, old_status=old_status, new_status=self.status
            )

    def clean(self) -> None:
        if bool(self.user_id) == bool(self.organisation_id):
            raise ValidationError(_("Choose either a person or an organisation."))

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_state = (instance.__dict__.get("status"), instance.__dict__.get("role"))
        return instance

    @property
    def member_name(self) -> str:
        if self.user_id:
            return str(self.user)
        return str(self.organisation)


class GroupPost(models.Model):
    """Minutes or an internal announcement in a working group's private space."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("announcement")
        MINUTES = "minutes", _("minutes")

    working_group = models.ForeignKey(
        WorkingGroupPage,
        verbose_name=_("working group"),
        on_delete=models.CASCADE,
        related_name="posts",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), max_length=20000)
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("working group post")
        verbose_name_plural = _("working group posts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


# --- the measures database ---------------------------------------------------------------


class Measure(ClusterableModel, index.Indexed):
    """A concrete measure (Maßnahme) of the integration concept, with its indicators."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        PAUSED = "paused", _("paused")

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=True)
    action_field = models.ForeignKey(
        ActionField,
        verbose_name=_("action field"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
    )
    goal = models.TextField(_("goal"), max_length=3000, blank=True)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_measures",
    )
    participants = ParentalManyToManyField(
        Organisation, verbose_name=_("participants"), blank=True, related_name="measures"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    resources = models.TextField(
        _("resources"), max_length=3000, blank=True, help_text=_("Money, staff, rooms, material.")
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("title"),
                FieldPanel("slug"),
                FieldPanel("site"),
                FieldPanel("action_field"),
                FieldPanel("status"),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            ],
            heading=_("Measure"),
        ),
        FieldPanel("goal"),
        FieldPanel("target_group"),
        FieldPanel("description"),
        FieldPanel("lead_organisation"),
        FieldPanel("participants"),
        FieldPanel("resources"),
        InlinePanel("indicators", label=_("Indicators")),
    ]
    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("goal"),
        index.SearchField("target_group"),
        index.SearchField("description"),
        index.FilterField("site_id"),
        index.FilterField("status"),
        index.FilterField("action_field_id"),
    ]

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["action_field__sort_order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["site", "slug"], name="networks_measure_unique_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end must not be before the start.")})


class Indicator(Orderable):
    """What a measure is measured by; every change of the current value is kept as a reading."""

    measure = ParentalKey(Measure, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    current_value = models.DecimalField(
        _("current value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    reading_date = models.DateField(_("date of reading"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("unit")]),
        FieldRowPanel(
            [FieldPanel("target"), FieldPanel("current_value"), FieldPanel("reading_date")]
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        self.record_reading()

    def record_reading(self) -> IndicatorReading | None:
        """Keep the current value as a reading unless the last reading already says so."""
        if self.current_value is None:
            return None
        date = self.reading_date or timezone.localdate()
        last = self.readings.order_by("-date", "-recorded_at").first()
        if last is not None and last.value == self.current_value and last.date == date:
            return None
        return IndicatorReading.objects.create(indicator=self, value=self.current_value, date=date)

    @cached_property
    def progress(self) -> int | None:
        """Share of the target reached, in percent (capped at 100), or None if unknown."""
        if self.target in (None, Decimal(0)) or self.current_value is None:
            return None
        return max(0, min(100, int(self.current_value * 100 / self.target)))


class IndicatorReading(models.Model):
    """One reading of an indicator: the history behind its current value."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="readings"
    )
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    date = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator reading")
        verbose_name_plural = _("indicator readings")
        ordering = ["indicator", "date", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.date})"

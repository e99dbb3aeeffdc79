"""Join requests answered from the admin: in place on the start page, and several at once
from the list of memberships (Wagtail bulk actions), each with an optional message that
goes into the answer's mail. Who may answer is :func:`.services.answer_request`'s rule."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from treffpunkt.accounts import scope

from . import services
from .membership import is_coordinator
from .models import Membership


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Message to the person (optional)"),
        required=False,
        max_length=services.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _back(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "wagtailadmin_home"


@require_POST
def answer_join_request(request):
    """One request, accepted or declined on the start page (POST: membership, action,
    optional note and next)."""
    action = request.POST.get("action")
    form = AnswerForm(request.POST)
    if action not in ("accept", "decline"):
        messages.error(request, _("This request does not exist."))
        return redirect(_back(request))
    if not form.is_valid():
        messages.error(
            request,
            _("Your message is too long (at most %(limit)d characters).")
            % {"limit": services.NOTE_MAX_LENGTH},
        )
        return redirect(_back(request))
    try:
        membership = services.answer_request(
            request.user,
            request.POST.get("membership"),
            accept=action == "accept",
            note=form.cleaned_data["note"],
        )
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        done = (
            _("%(person)s is now a member of “%(group)s”.")
            if action == "accept"
            else _("The request of %(person)s to join “%(group)s” has been declined.")
        )
        messages.success(
            request,
            done % {"person": membership.member_name, "group": membership.working_group.title},
        )
    return redirect(_back(request))


class AnswerRequestsBulkAction(SnippetBulkAction):
    """Accept or decline the chosen open requests, with one optional message for all."""

    models = [Membership]
    form_class = AnswerForm
    template_name = "networks/admin/confirm_answer_requests.html"
    accept: bool = True

    def check_perm(self, membership) -> bool:
        return membership.status == Membership.Status.REQUESTED and is_coordinator(
            self.request.user, membership.working_group
        )

    def get_all_objects_in_listing_query(self, parent_id):
        return scope.for_user(
            Membership.objects.filter(status=Membership.Status.REQUESTED), self.request.user
        ).values_list("pk", flat=True)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "accept": self.accept}

    def get_execution_context(self):
        return {
            "user": self.request.user,
            "accept": self.accept,
            "note": self.cleaned_form.cleaned_data["note"],
        }

    @classmethod
    def execute_action(cls, objects, user=None, accept=True, note="", **kwargs):
        answered = 0
        for membership in objects:
            try:
                services.answer_request(user, membership.pk, accept=accept, note=note)
            except services.MembershipError:
                continue  # answered meanwhile by someone else: nothing to do
            answered += 1
        return answered, 0


class AcceptRequestsBulkAction(AnswerRequestsBulkAction):
    display_name = gettext_lazy("Accept")
    action_type = "accept_join_requests"
    aria_label = gettext_lazy("Accept the selected join requests")
    action_priority = 10
    accept = True

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d request has been accepted.",
            "%(count)d requests have been accepted.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class DeclineRequestsBulkAction(AnswerRequestsBulkAction):
    display_name = gettext_lazy("Decline")
    action_type = "decline_join_requests"
    aria_label = gettext_lazy("Decline the selected join requests")
    action_priority = 11
    accept = False
    classes = {"serious"}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d request has been declined.",
            "%(count)d requests have been declined.",
            num_parent_objects,
        ) % {"count": num_parent_objects}

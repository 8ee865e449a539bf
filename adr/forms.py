"""Forms for writing, reviewing, commenting on and importing decision records."""
from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from adr.models import PLACEMENT_QUESTIONS, Adr, Cell, Review
from adr.services import LINK_FIELDS, LIST_FIELDS, PEOPLE_FIELDS, TEXT_FIELDS


class CommaListField(forms.CharField):
    def to_python(self, value):
        return [item.strip() for item in (value or "").split(",") if item.strip()]

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, (list, tuple)) else value


class PeopleField(forms.ModelMultipleChoiceField):
    """Portal users, offered by name and username in a searchable picker (Tom Select, see adr.js)."""

    def label_from_instance(self, user) -> str:
        name = user.get_full_name().strip()
        return f"{name} ({user.username})" if name else user.username


def _people_field(label):
    return PeopleField(
        label=label, required=False, queryset=User.objects.filter(is_active=True).order_by("first_name", "last_name", "username"),
        widget=forms.SelectMultiple(attrs={"size": 4, "data-picker": "people"}),
    )


def _markdown(label, rows=4, help_text=_("Markdown.")):
    return forms.CharField(label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows, "data-preview": "1"}))


class AdrForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    decided_on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    tags = CommaListField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
    decision_makers = _people_field(_("Decision-makers"))
    decision_makers_external = CommaListField(label=_("Decision-makers outside the portal"), required=False)
    consulted = _people_field(_("Consulted"))
    consulted_external = CommaListField(label=_("Consulted outside the portal"), required=False)
    informed = _people_field(_("Informed"))
    informed_external = CommaListField(label=_("Informed outside the portal"), required=False)
    context = _markdown(_("Context and problem statement"), 5)
    drivers = _markdown(_("Decision drivers"), 3, _("Markdown, one driver a bullet."))
    chosen_option = forms.CharField(
        label=_("Chosen option"), max_length=200, required=False, help_text=_("One of the considered options above."),
        widget=forms.Select(attrs={"data-chosen-option": "1"}),
    )
    outcome = _markdown(_("Decision outcome: why this option"), 3)
    consequences = _markdown(_("Consequences"), 3)
    confirmation = _markdown(_("Confirmation"), 2, _("How compliance will be checked. Markdown."))
    more_information = _markdown(_("More information"), 2)
    supersedes = forms.ModelMultipleChoiceField(label=_("Supersedes"), required=False, queryset=Adr.objects.none(),
                                                widget=forms.SelectMultiple(attrs={"data-picker": "records"}))
    relates_to = forms.ModelMultipleChoiceField(label=_("Relates to"), required=False, queryset=Adr.objects.none(),
                                                widget=forms.SelectMultiple(attrs={"data-picker": "records"}))
    reason = forms.CharField(label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required when the decision is accepted."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set while an edit conflict is being resolved: the version the editor started from.
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    OPTION_KEYS = ("title", "description", "good", "neutral", "bad")

    def __init__(self, *args, project, adr: Adr | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        others = Adr.objects.filter(project=project).order_by("number")
        if adr is not None:
            others = others.exclude(pk=adr.pk)
        else:
            del self.fields["reason"]
        self.fields["supersedes"].queryset = others
        self.fields["relates_to"].queryset = others
        self.adr = adr
        self.fields["chosen_option"].widget.choices = [("", _("Not chosen yet"))] + [(title, title) for title in self._option_choices()]

    def _kept_choice(self) -> str:
        """A chosen option the record already had that is not among its options (an import may say so)."""
        return (self.initial.get("chosen_option") or (self.adr.chosen_option if self.adr else "")).strip()

    def _option_choices(self) -> list[str]:
        titles = [option["title"].strip() for option in self.options_from_data() if option["title"].strip()]
        kept = self._kept_choice()
        chosen = (self.data.get("chosen_option") or "").strip() if self.is_bound else kept
        # A chosen option that is no longer listed stays visible, so the refusal can say what is wrong with it.
        return list(dict.fromkeys(titles + [value for value in (kept, chosen) if value]))

    def clean_chosen_option(self) -> str:
        chosen = self.cleaned_data["chosen_option"].strip()
        options = self.options_from_data()
        titles = {option["title"].strip() for option in options}
        # An option with text but no title is refused by the service with its own message; an empty row is dropped.
        untitled = any(not option["title"].strip() and any(option[key] for key in self.OPTION_KEYS[1:]) for option in options)
        if chosen and not untitled and chosen not in titles and chosen != self._kept_choice():
            raise forms.ValidationError(_("Choose one of the considered options, or add it to them first."))
        return chosen

    def options_from_data(self) -> list[dict]:
        if not self.is_bound:
            return list(self.initial.get("options", []))
        columns = {key: self.data.getlist(f"option_{key}") for key in self.OPTION_KEYS}
        options = []
        for index in range(len(columns["title"])):
            value = {key: (columns[key][index] if index < len(columns[key]) else "") for key in self.OPTION_KEYS}
            for kind in ("good", "neutral", "bad"):
                value[kind] = [line.strip() for line in value[kind].splitlines() if line.strip()]
            options.append(value)
        return options

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("base_version", None)
        data.pop("reason", None)
        data["options"] = self.options_from_data()
        return data


def _plain_option(option: dict) -> dict:
    return {
        "title": str(option.get("title", "")).strip(), "description": str(option.get("description", "")).strip(),
        **{kind: [str(point).strip() for point in option.get(kind, []) if str(point).strip()] for kind in ("good", "neutral", "bad")},
    }


def content_of(fields: dict) -> dict:
    """A record's editable fields, given as the editor holds them (users, records, a date), in the plain
    shape of `services.adr_content`, so the saved version and an editor's text compare field by field."""
    options = [_plain_option(option) for option in fields.get("options") or []]
    return {
        **{name: (fields.get(name) or "").strip() for name in TEXT_FIELDS},
        "decided_on": fields["decided_on"].isoformat() if fields.get("decided_on") else None,
        "options": [option for option in options if any(option.values())],
        **{name: [item.strip() for item in fields.get(name) or [] if item and item.strip()] for name in LIST_FIELDS},
        **{name: sorted(user.username for user in fields.get(name) or []) for name in PEOPLE_FIELDS},
        **{name: sorted(adr.number for adr in fields.get(name) or []) for name in LINK_FIELDS},
    }


class ConflictForm(forms.Form):
    """After an edit conflict: for each field where the saved version and the editor's differ, which to keep.

    Where only one side changed a field since the editor's version, keeping that change is the default
    (the other side only holds the value both started from); where both changed it, the editor chooses."""

    THEIRS, MINE = "theirs", "mine"
    prefix = "keep"

    def __init__(self, data=None, *, conflicts: list[dict]):
        if data is not None:
            data = data.copy()
            for conflict in conflicts:
                if conflict["default"] and not data.get(self.add_prefix(conflict["field"])):
                    data[self.add_prefix(conflict["field"])] = conflict["default"]
        super().__init__(data)
        for conflict in conflicts:
            self.fields[conflict["field"]] = forms.ChoiceField(
                label=conflict["label"], choices=[(self.THEIRS, _("Keep theirs")), (self.MINE, _("Keep mine"))],
                widget=forms.RadioSelect, initial=conflict["default"],
                error_messages={"required": _("Both of you changed this field: choose which version to keep.")},
            )

    def resolved(self, *, theirs: dict, mine: dict) -> dict:
        """The fields to save: the editor's, with the saved version's where they chose to keep it."""
        return {**mine, **{name: theirs[name] for name, choice in self.cleaned_data.items() if choice == self.THEIRS}}


class PersonField(forms.ModelChoiceField):
    label_from_instance = PeopleField.label_from_instance


class TicketForm(forms.Form):
    """A one-off remediation ticket; `updated_at` is what the editor loaded, so a later save by someone else is refused."""

    title = forms.CharField(label=_("Title"), max_length=160)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    link = forms.URLField(
        label=_("Link to the ticket"), required=False, max_length=500, assume_scheme="https",
        help_text=_("Optional: where the work is followed outside the portal (https://…)."),
    )
    owner = PersonField(label=_("Owner"), required=False, queryset=User.objects.none(), empty_label=_("Nobody yet"))
    updated_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            User.objects.filter(memberships__team=team, is_active=True).order_by("first_name", "last_name", "username")
        )

    def ticket_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("title", "due_on", "link", "owner")}


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Verdict"), choices=Review.Verdict.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Markdown."))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item] or super().clean(None, initial)


class ImportForm(forms.Form):
    files = MultipleFileField(
        label=_("Markdown files or a zip"), widget=MultipleFileInput(attrs={"multiple": True, "accept": ".md,.markdown,.zip"}),
        help_text=_("MADR 2, 3 or 4, Nygard / adr-tools or log4brains files; several at once, or one zip of a folder."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        limit_mb = settings.ADR_IMPORT_MAX_UPLOAD_MB
        size = sum(upload.size for upload in files)
        if size > limit_mb * 1024 * 1024:
            raise forms.ValidationError(
                _("The files weigh %(size)s MB together; the limit is %(limit)s MB. Import them in several goes.")
                % {"size": f"{size / (1024 * 1024):.1f}", "limit": limit_mb}
            )
        return files


class DecisionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    project = forms.CharField(required=False)
    team = forms.CharField(required=False)
    status = forms.CharField(required=False)
    tag = forms.CharField(required=False)
    maker = forms.CharField(required=False)


class PlacementForm(forms.Form):
    knew_tradeoff = forms.BooleanField(required=False)
    weighed_alternatives = forms.BooleanField(required=False)
    under_pressure = forms.BooleanField(required=False)
    hindsight = forms.BooleanField(required=False)
    cell = forms.ChoiceField(
        label=_("Cell"), required=False, choices=[("", _("Take the suggestion"))] + list(Cell.choices),
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Needed to override the suggestion or to re-judge."))
    revisit_by = forms.DateField(label=_("Revisit by"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Needed for a conscious and reckless shortcut."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, question in PLACEMENT_QUESTIONS:
            self.fields[key].label = question

    def answers(self) -> dict:
        return {key: self.cleaned_data.get(key, False) for key, _question in PLACEMENT_QUESTIONS}


class MatrixFilterForm(forms.Form):
    team = forms.CharField(required=False)
    project = forms.CharField(required=False)
    since = forms.DateField(required=False)
    until = forms.DateField(required=False)
    cell = forms.CharField(required=False)


class MoveForm(forms.Form):
    adr = forms.ModelChoiceField(queryset=Adr.objects.all(), widget=forms.HiddenInput)
    cell = forms.ChoiceField(label=_("Move to"), choices=Cell.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    revisit_by = forms.DateField(label=_("Revisit by"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Needed for a conscious and reckless shortcut."))

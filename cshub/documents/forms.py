from typing import Any

from django import forms

from cshub.core.forms import GovukForm
from cshub.documents import actions
from cshub.documents.models import DocumentKind
from cshub.documents.sniff import TYPES

ACCEPT = ",".join(ext for t in TYPES for ext in t.extensions)


class DocumentForm(GovukForm):
    file = forms.FileField(
        label="Upload a file",
        help_text="A PDF, JPEG, PNG, Word (.docx), OpenDocument text (.odt) or plain text (.txt) file, "
        "smaller than {max} MB. It is checked for viruses before anyone can open it.",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
        widget=forms.FileInput(attrs={"class": "govuk-file-upload", "accept": ACCEPT}),
    )
    title = forms.CharField(
        label="Title",
        max_length=actions.TITLE_MAX,
        help_text="What it is, for example: Letter from the school, 3 March.",
        error_messages={"required": "Enter a title for the document"},
    )
    kind = forms.ChoiceField(
        label="What kind of document is it?",
        choices=DocumentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of document it is"},
    )
    police_only = forms.BooleanField(
        label="Police only",
        required=False,
        help_text="Only police officers and those who may see police-only information will see it.",
    )

    def __init__(self, *args: Any, police_only: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = str(self.fields["file"].help_text).replace(
            "{max}", str(actions.max_bytes() // 2**20)
        )
        if not police_only:
            del self.fields["police_only"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload is not None and (upload.size or 0) > actions.max_bytes():
            raise forms.ValidationError(actions.too_large_message())
        return upload


class RemoveForm(GovukForm):
    reason = forms.CharField(
        label="Why are you removing it?",
        max_length=actions.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: attached to the wrong child. The reason is kept with the record.",
        error_messages={"required": "Say why the document is being removed"},
    )

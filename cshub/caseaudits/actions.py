"""The one write path for case audits (issue 22), by part: templates and themes, samples and
allocation, carrying out an audit."""

from cshub.caseaudits.write.conduct import (
    AnswerInput,
    add_learning_action,
    complete_audit,
    mark_feedback_read,
    record_finding,
    save_part,
)
from cshub.caseaudits.write.samples import (
    SampleDefinition,
    audit_case,
    cancel_audit,
    draw_sample,
    preview_sample,
    reallocate,
)
from cshub.caseaudits.write.templates import (
    add_question,
    add_section,
    create_template,
    edit_question,
    edit_section,
    edit_template,
    move_question,
    move_section,
    new_version,
    publish_template,
    remove_question,
    remove_section,
    retire_template,
    save_theme,
)

__all__ = [
    "AnswerInput",
    "SampleDefinition",
    "add_learning_action",
    "add_question",
    "add_section",
    "audit_case",
    "cancel_audit",
    "complete_audit",
    "create_template",
    "draw_sample",
    "edit_question",
    "edit_section",
    "edit_template",
    "mark_feedback_read",
    "move_question",
    "move_section",
    "new_version",
    "preview_sample",
    "publish_template",
    "reallocate",
    "record_finding",
    "remove_question",
    "remove_section",
    "retire_template",
    "save_part",
    "save_theme",
]

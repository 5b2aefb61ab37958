"""Discord's payload rules, checked on everything the bot sends.

Each ``check_*`` function adds problems to a :class:`FormErrors` under the JSON path Discord would
report, so a 400 from the fake reads like a 400 from Discord (code 50035, ``errors`` body).
"""

from __future__ import annotations

import re
from typing import Any

from .errors import CANNOT_SEND_EMPTY_MESSAGE, ApiError, FormErrors

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER_TEXT = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
ROW_BUTTONS = 5
SELECT_OPTIONS = 25
SELECT_OPTION_TEXT = 100
SELECT_PLACEHOLDER = 150
CUSTOM_ID = 100
BUTTON_LABEL = 80
V2_COMPONENTS = 40
AUTOCOMPLETE_CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
MODAL_TITLE = 45
MODAL_COMPONENTS = 5
TEXT_INPUT_LABEL = 45
TEXT_INPUT_VALUE = 4000
TEXT_INPUT_PLACEHOLDER = 100
THREAD_NAME = 100
COMMAND_NAME = re.compile(r'^[-_\w]{1,32}$')
COMMANDS_PER_SCOPE = 100
COMMAND_OPTIONS = 25
COMMAND_DESCRIPTION = 100

COMPONENTS_V2_FLAG = 1 << 15
EPHEMERAL_FLAG = 1 << 6
#: flags a bot may set on a message it sends
SENDABLE_FLAGS = (1 << 2) | (1 << 6) | (1 << 12) | COMPONENTS_V2_FLAG


def check_message(
    data: dict[str, Any], errors: FormErrors, *, prefix: str = '', has_files: bool = False, partial: bool = False
) -> None:
    """A message create (``partial=False``) or edit (``partial=True``) body."""
    p = prefix
    content = data.get('content')
    if content is not None:
        if not isinstance(content, str):
            errors.add(f'{p}content', 'BASE_TYPE_STRING', 'Must be a string.')
        else:
            errors.max_length(f'{p}content', content, CONTENT)
    embeds = data.get('embeds') or []
    if not isinstance(embeds, list):
        errors.add(f'{p}embeds', 'BASE_TYPE_ARRAY', 'Must be an array.')
        embeds = []
    errors.max_items(f'{p}embeds', embeds, EMBEDS)
    total = 0
    for i, embed in enumerate(embeds):
        total += check_embed(embed, errors, f'{p}embeds.{i}.')
    if total > EMBED_TOTAL:
        errors.add(f'{p}embeds', 'MAX_EMBED_SIZE_EXCEEDED', f'Embed size exceeds maximum size of {EMBED_TOTAL}')
    flags = int(data.get('flags') or 0)
    if flags & ~SENDABLE_FLAGS:
        errors.add(f'{p}flags', 'MESSAGE_FLAGS_INVALID', 'Invalid message flags')
    components = data.get('components') or []
    if flags & COMPONENTS_V2_FLAG:
        if content or embeds:
            errors.add(f'{p}content', 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2',
                       'The \'content\' and \'embeds\' fields cannot be used with the IS_COMPONENTS_V2 flag')
        check_components_v2(components, errors, f'{p}components')
    else:
        check_action_rows(components, errors, f'{p}components')
    for i, att in enumerate(data.get('attachments') or []):
        if isinstance(att, dict) and att.get('description') is not None:
            errors.max_length(f'{p}attachments.{i}.description', att['description'], 1024)
    if not partial and not errors:
        empty = not content and not embeds and not components and not has_files and not data.get('sticker_ids') \
            and not data.get('poll')
        if empty:
            raise ApiError(400, CANNOT_SEND_EMPTY_MESSAGE, 'Cannot send an empty message')


def check_embed(embed: dict[str, Any], errors: FormErrors, p: str) -> int:
    """Returns the embed's character count toward the 6000 total."""
    size = 0
    for key, limit in (('title', EMBED_TITLE), ('description', EMBED_DESCRIPTION)):
        value = embed.get(key)
        if value is not None:
            errors.max_length(f'{p}{key}', value, limit)
            size += len(str(value))
    fields = embed.get('fields') or []
    errors.max_items(f'{p}fields', fields, EMBED_FIELDS)
    for i, f in enumerate(fields):
        name, value = f.get('name'), f.get('value')
        if not name:
            errors.required(f'{p}fields.{i}.name')
        if not value:
            errors.required(f'{p}fields.{i}.value')
        errors.max_length(f'{p}fields.{i}.name', name, FIELD_NAME)
        errors.max_length(f'{p}fields.{i}.value', value, FIELD_VALUE)
        size += len(name or '') + len(value or '')
    footer = embed.get('footer') or {}
    if footer.get('text') is not None:
        errors.max_length(f'{p}footer.text', footer['text'], FOOTER_TEXT)
        size += len(footer['text'])
    author = embed.get('author') or {}
    if author.get('name') is not None:
        errors.max_length(f'{p}author.name', author['name'], AUTHOR_NAME)
        size += len(author['name'])
    return size


def check_action_rows(rows: Any, errors: FormErrors, p: str, *, seen: set[str] | None = None) -> None:
    seen = set() if seen is None else seen
    if not isinstance(rows, list):
        errors.add(p, 'BASE_TYPE_ARRAY', 'Must be an array.')
        return
    errors.max_items(p, rows, ACTION_ROWS)
    for i, row in enumerate(rows):
        rp = f'{p}.{i}'
        if row.get('type') != 1:
            errors.add(f'{rp}.type', 'UNION_TYPE_CHOICES',
                       'Value of field "type" must be one of (1,). (Top level must be action rows without IS_COMPONENTS_V2)')
            continue
        check_row(row, errors, rp, seen)


def check_row(row: dict[str, Any], errors: FormErrors, rp: str, seen: set[str]) -> None:
    children = row.get('components') or []
    if not children:
        errors.add(f'{rp}.components', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.')
    buttons = [c for c in children if c.get('type') == 2]
    selects = [c for c in children if c.get('type') in (3, 5, 6, 7, 8)]
    if len(buttons) > ROW_BUTTONS:
        errors.add(f'{rp}.components', 'BASE_TYPE_BAD_LENGTH', f'Must be between 1 and {ROW_BUTTONS} in length.')
    if selects and len(children) > 1:
        errors.add(f'{rp}.components', 'COMPONENT_LAYOUT_WIDTH_EXCEEDED',
                   'The specified component exceeds the maximum width')
    for j, c in enumerate(children):
        check_interactive(c, errors, f'{rp}.components.{j}', seen)


def check_interactive(c: dict[str, Any], errors: FormErrors, cp: str, seen: set[str]) -> None:
    kind = c.get('type')
    custom_id = c.get('custom_id')
    if kind == 2:
        style = c.get('style')
        if style == 5:
            if not c.get('url'):
                errors.required(f'{cp}.url')
            if custom_id is not None:
                errors.add(f'{cp}.custom_id', 'BUTTON_COMPONENT_LINK_CUSTOM_ID', 'A link button cannot have a custom id')
        elif style != 6:
            _check_custom_id(custom_id, errors, cp, seen)
        errors.max_length(f'{cp}.label', c.get('label'), BUTTON_LABEL)
        if style != 6 and not c.get('label') and not c.get('emoji'):
            errors.add(f'{cp}.label', 'BUTTON_COMPONENT_NO_LABEL_OR_EMOJI', 'A button must have a label or emoji')
    elif kind in (3, 5, 6, 7, 8):
        _check_custom_id(custom_id, errors, cp, seen)
        errors.max_length(f'{cp}.placeholder', c.get('placeholder'), SELECT_PLACEHOLDER)
        low, high = c.get('min_values', 1), c.get('max_values', 1)
        if not 0 <= low <= 25 or not 1 <= high <= 25 or low > high:
            errors.add(f'{cp}.max_values', 'BASE_TYPE_BAD_INT', 'min_values/max_values out of range')
        if kind == 3:
            options = c.get('options') or []
            if not 1 <= len(options) <= SELECT_OPTIONS:
                errors.add(f'{cp}.options', 'BASE_TYPE_BAD_LENGTH', f'Must be between 1 and {SELECT_OPTIONS} in length.')
            if high > len(options) and options:
                errors.add(f'{cp}.max_values', 'BASE_TYPE_MAX', f'Must be less than or equal to {len(options)}.')
            values = set()
            for k, opt in enumerate(options):
                op = f'{cp}.options.{k}'
                errors.length_between(f'{op}.label', opt.get('label'), 1, SELECT_OPTION_TEXT)
                errors.length_between(f'{op}.value', opt.get('value'), 1, SELECT_OPTION_TEXT)
                errors.max_length(f'{op}.description', opt.get('description'), SELECT_OPTION_TEXT)
                if opt.get('value') in values:
                    errors.add(f'{op}.value', 'SELECT_COMPONENT_OPTION_VALUE_DUPLICATED', 'Option values must be unique')
                values.add(opt.get('value'))
    elif kind == 4:
        _check_custom_id(custom_id, errors, cp, seen)
        if c.get('label') is not None:
            errors.length_between(f'{cp}.label', c.get('label'), 1, TEXT_INPUT_LABEL)
        errors.max_length(f'{cp}.placeholder', c.get('placeholder'), TEXT_INPUT_PLACEHOLDER)
        errors.max_length(f'{cp}.value', c.get('value'), TEXT_INPUT_VALUE)
        low, high = c.get('min_length', 0), c.get('max_length', TEXT_INPUT_VALUE)
        if not 0 <= low <= TEXT_INPUT_VALUE or not 1 <= high <= TEXT_INPUT_VALUE or low > high:
            errors.add(f'{cp}.max_length', 'BASE_TYPE_BAD_INT', 'min_length/max_length out of range')


def _check_custom_id(custom_id: Any, errors: FormErrors, cp: str, seen: set[str]) -> None:
    if not custom_id:
        errors.required(f'{cp}.custom_id')
        return
    errors.max_length(f'{cp}.custom_id', custom_id, CUSTOM_ID)
    if custom_id in seen:
        errors.add(f'{cp}.custom_id', 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated')
    seen.add(custom_id)


def check_components_v2(components: Any, errors: FormErrors, p: str) -> None:
    """Layout components: count every component (max 40) and check the interactive ones."""
    seen: set[str] = set()
    count = 0

    def walk(items: list[dict[str, Any]], path: str) -> None:
        nonlocal count
        for i, c in enumerate(items or []):
            count += 1
            cp = f'{path}.{i}'
            if c.get('type') == 1:
                check_row(c, errors, cp, seen)
                count += len(c.get('components') or [])
            elif c.get('type') in (2, 3, 4, 5, 6, 7, 8):
                check_interactive(c, errors, cp, seen)
            else:
                walk(c.get('components') or [], f'{cp}.components')
                if isinstance(c.get('accessory'), dict):
                    count += 1
                    if c['accessory'].get('type') == 2:
                        check_interactive(c['accessory'], errors, f'{cp}.accessory', seen)
                if c.get('type') == 10:
                    errors.max_length(f'{cp}.content', c.get('content'), 4000)

    walk(components, p)
    if count > V2_COMPONENTS:
        errors.add(p, 'BASE_TYPE_MAX_LENGTH', f'Must be {V2_COMPONENTS} or fewer in length.')


def check_modal(data: dict[str, Any], errors: FormErrors, p: str = 'data.') -> None:
    errors.length_between(f'{p}title', data.get('title'), 1, MODAL_TITLE)
    cid = data.get('custom_id')
    if not cid:
        errors.required(f'{p}custom_id')
    else:
        errors.max_length(f'{p}custom_id', cid, CUSTOM_ID)
    components = data.get('components') or []
    if not 1 <= len(components) <= MODAL_COMPONENTS:
        errors.add(f'{p}components', 'BASE_TYPE_BAD_LENGTH', f'Must be between 1 and {MODAL_COMPONENTS} in length.')
    seen: set[str] = set()
    for i, c in enumerate(components):
        cp = f'{p}components.{i}'
        if c.get('type') == 1:
            children = c.get('components') or []
            if len(children) != 1:
                errors.add(f'{cp}.components', 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 1 in length.')
            for j, child in enumerate(children):
                check_interactive(child, errors, f'{cp}.components.{j}', seen)
        elif c.get('type') == 18:
            errors.length_between(f'{cp}.label', c.get('label'), 1, TEXT_INPUT_LABEL)
            errors.max_length(f'{cp}.description', c.get('description'), 100)
            inner = c.get('component')
            if not isinstance(inner, dict):
                errors.required(f'{cp}.component')
            else:
                check_interactive(inner, errors, f'{cp}.component', seen)
        elif c.get('type') == 10:
            errors.max_length(f'{cp}.content', c.get('content'), 4000)


def check_autocomplete(data: dict[str, Any], errors: FormErrors, p: str = 'data.') -> None:
    choices = data.get('choices')
    if choices is None:
        errors.required(f'{p}choices')
        return
    errors.max_items(f'{p}choices', choices, AUTOCOMPLETE_CHOICES)
    for i, choice in enumerate(choices):
        errors.length_between(f'{p}choices.{i}.name', choice.get('name'), 1, CHOICE_NAME)
        value = choice.get('value')
        if isinstance(value, str):
            errors.max_length(f'{p}choices.{i}.value', value, CHOICE_VALUE)
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            errors.add(f'{p}choices.{i}.value', 'BASE_TYPE_CHOICES', 'Value must be a string or number.')


def check_commands(commands: Any, errors: FormErrors) -> None:
    """A bulk overwrite body (PUT .../commands)."""
    if not isinstance(commands, list):
        errors.add('', 'BASE_TYPE_ARRAY', 'Must be an array.')
        return
    errors.max_items('', commands, COMMANDS_PER_SCOPE)
    seen: set[tuple[int, str]] = set()
    for i, cmd in enumerate(commands):
        p = f'{i}.'
        kind = cmd.get('type', 1)
        name = cmd.get('name') or ''
        if kind == 1:
            if not COMMAND_NAME.match(name) or name != name.lower():
                errors.add(f'{p}name', 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid')
            errors.length_between(f'{p}description', cmd.get('description'), 1, COMMAND_DESCRIPTION)
            _check_options(cmd.get('options') or [], errors, f'{p}options', depth=0)
        else:
            errors.length_between(f'{p}name', name, 1, 32)
        if (kind, name) in seen:
            errors.add(f'{p}name', 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique')
        seen.add((kind, name))


def _check_options(options: list[dict[str, Any]], errors: FormErrors, p: str, depth: int) -> None:
    errors.max_items(p, options, COMMAND_OPTIONS)
    names: set[str] = set()
    optional_seen = False
    for i, opt in enumerate(options):
        op = f'{p}.{i}.'
        name = opt.get('name') or ''
        if not COMMAND_NAME.match(name) or name != name.lower():
            errors.add(f'{op}name', 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid')
        if name in names:
            errors.add(f'{op}name', 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS', 'Option names must be unique')
        names.add(name)
        errors.length_between(f'{op}description', opt.get('description'), 1, COMMAND_DESCRIPTION)
        kind = opt.get('type')
        if kind in (1, 2):
            if depth >= (1 if kind == 2 else 2):
                errors.add(f'{op}type', 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Sub-command nesting too deep')
            _check_options(opt.get('options') or [], errors, f'{op}options', depth + 1)
            continue
        if opt.get('required'):
            if optional_seen:
                errors.add(f'{op}required', 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
                           'Required options must be placed before non-required options')
        else:
            optional_seen = True
        choices = opt.get('choices') or []
        errors.max_items(f'{op}choices', choices, 25)
        if choices and opt.get('autocomplete'):
            errors.add(f'{op}autocomplete', 'APPLICATION_COMMAND_OPTION_CHOICES_AUTOCOMPLETE',
                       'Autocomplete cannot be set with choices')
        for j, choice in enumerate(choices):
            errors.length_between(f'{op}choices.{j}.name', choice.get('name'), 1, CHOICE_NAME)

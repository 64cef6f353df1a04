/**
 * Block Kit primitives that cannot break Slack's limits: every text is cut to its limit with an
 * ellipsis (never inside an `&amp;` entity, a `<link>` or a surrogate pair), user-written text is
 * escaped before it goes into mrkdwn, and a message never has more than 50 blocks.
 */

/** Slack's limits for message blocks (api.slack.com/reference/block-kit). */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  actionElements: 25,
  contextElements: 10,
  contextText: 2000,
  /** The notification text: Slack takes far more, nobody reads more. */
  fallbackText: 3000,
} as const;

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export interface Button {
  type: 'button';
  action_id: string;
  text: PlainText;
  value?: string;
  style?: 'primary' | 'danger';
}
export type Block =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text: Mrkdwn }
  | { type: 'section'; fields: Mrkdwn[] }
  | { type: 'context'; elements: Mrkdwn[] }
  | { type: 'actions'; elements: Button[] }
  | { type: 'divider' };

/** What a builder returns: the notification text and the blocks. */
export interface ChatMessage {
  text: string;
  blocks: Block[];
}

const ELLIPSIS = '…';

/** `&`, `<` and `>` are Slack's control characters in mrkdwn; everything else may stay. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts plain text to `max` characters with an ellipsis, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  let cut = text.slice(0, max - ELLIPSIS.length);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + ELLIPSIS;
}

/** A name or a title on one line: line breaks, tabs and control characters become spaces. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029\s]+/g, ' ').trim();
}

/**
 * Cuts mrkdwn to `max`: like `clip`, and a cut that lands inside an entity (`&am`) or an
 * unclosed `<link|label` or `<@U…` drops that piece whole.
 */
export function clipMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = clip(text, max).slice(0, -ELLIPSIS.length);
  cut = cut.replace(/&[a-z]*$/, '');
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  return cut + ELLIPSIS;
}

/** User-written text for mrkdwn: escaped, then cut. */
export function userText(text: string, max: number): string {
  return clipMrkdwn(escapeMrkdwn(text), max);
}

/** User-written text as a mrkdwn quote, one `>` per line; blank input reads "(empty)". */
export function quote(text: string, max: number): string {
  const trimmed = text.trim();
  if (trimmed === '') return '> _(empty)_';
  const quoted = escapeMrkdwn(trimmed)
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n');
  return clipMrkdwn(quoted, max);
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, LIMITS.headerText) } };
}

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clipMrkdwn(text, LIMITS.sectionText) } };
}

/** Label/value pairs (values are mrkdwn) in sections of at most ten fields. */
export function fields(pairs: Array<[label: string, value: string]>): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < pairs.length; i += LIMITS.fields) {
    blocks.push({
      type: 'section',
      fields: pairs.slice(i, i + LIMITS.fields).map(([label, value]) => ({
        type: 'mrkdwn',
        text: clipMrkdwn(`*${label}*\n${value}`, LIMITS.fieldText),
      })),
    });
  }
  return blocks;
}

export function context(...texts: string[]): Block {
  return {
    type: 'context',
    elements: texts
      .filter((t) => t.trim() !== '')
      .slice(0, LIMITS.contextElements)
      .map((t) => ({ type: 'mrkdwn', text: clipMrkdwn(t, LIMITS.contextText) })),
  };
}

export function button(
  actionId: string,
  text: string,
  value: string,
  style?: Button['style'],
): Button {
  if (value.length > LIMITS.buttonValue) throw new RangeError('a button value is too long');
  return {
    type: 'button',
    action_id: actionId,
    text: { type: 'plain_text', text: clip(text, LIMITS.buttonText) },
    value,
    ...(style ? { style } : {}),
  };
}

export function actions(buttons: Button[]): Block {
  return { type: 'actions', elements: buttons.slice(0, LIMITS.actionElements) };
}

/**
 * The finished message: a notification text cut to size, and at most 50 blocks — should a
 * builder ever produce more, the middle goes; the buttons and the last block stay.
 */
export function message(text: string, blocks: Block[]): ChatMessage {
  let fitted = blocks.filter((b) => b.type !== 'context' || b.elements.length > 0);
  if (fitted.length > LIMITS.blocks) {
    const last = fitted.length - 1;
    const kept = fitted.filter((b, i) => b.type === 'actions' || i === last);
    const head = fitted
      .filter((b, i) => b.type !== 'actions' && i !== last)
      .slice(0, Math.max(0, LIMITS.blocks - 1 - kept.length));
    fitted = [
      ...head,
      context('_Some details were left out to fit in one Slack message._'),
      ...kept,
    ].slice(0, LIMITS.blocks);
  }
  return { text: clipMrkdwn(text, LIMITS.fallbackText), blocks: fitted };
}

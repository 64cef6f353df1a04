/**
 * HTML mail to readable text with html-to-text (a real HTML parser with the full entity table):
 * paragraphs and line breaks kept, lists bulleted, links as "text [url]", script, style and
 * images dropped, and <blockquote> rendered as "> " lines so reply extraction can drop the quote
 * exactly as it drops quoted plain text.
 */
import { convert, type HtmlToTextOptions } from 'html-to-text';

const OPTIONS: HtmlToTextOptions = {
  // Never re-wrap: a wrapped "On … wrote:" line is harder to recognise, and the text is for
  // reading and extraction, not for an 80-column terminal.
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    // "team@brand.test [mailto:team@brand.test]" is noise: the text already is the address.
    { selector: 'a[href^="mailto:"]', format: 'anchor', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'head', format: 'skip' },
    // Outlook writes every line as its own <p class=MsoNormal>: one line break, not a paragraph.
    {
      selector: 'p.MsoNormal',
      format: 'block',
      options: { leadingLineBreaks: 1, trailingLineBreaks: 1 },
    },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
      selector,
      options: { uppercase: false },
    })),
    // Mail uses tables for layout (signatures, Outlook headers): one cell per line reads best,
    // where a data-table layout would pad and wrap long cells.
    ...['table', 'tr', 'td', 'th'].map((selector) => ({ selector, format: 'block' })),
  ],
};

/** Beyond this much markup the tail is not a reply anyone wrote by hand. */
const MAX_HTML_CHARS = 2_000_000;

export function htmlToText(html: string): string {
  const input = html.length > MAX_HTML_CHARS ? html.slice(0, MAX_HTML_CHARS) : html;
  try {
    return convert(input, OPTIONS);
  } catch {
    // The converter recurses per element: pathological nesting can overflow the stack.
    return crudeText(input);
  }
}

/** Last resort for markup the converter could not walk: tags out, common entities decoded. */
function crudeText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\b[^>]*>|<\/(p|div|li|tr|h\d)\s*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ');
}

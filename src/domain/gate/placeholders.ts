/**
 * Template residue the model (or a knowledge-base example) left behind: "[Name]", "{{rate}}",
 * "<INSERT RATE>", "$X,XXX", "TBD", "Lorem ipsum". Angle brackets around e-mail addresses and URLs
 * are not placeholders; neither is a markdown link "[text](url)".
 */

const PATTERNS: RegExp[] = [
  /\[[^[\]\n]{1,60}\](?!\()/g,
  /\{\{[^{}\n]{0,60}\}\}/g,
  /\$\{[^{}\n]{0,60}\}/g,
  /\{[A-Za-z_][\w ]{0,40}\}/g,
  /<\s*(?:insert|your|add|enter|placeholder|name|rate|amount|date|link|todo|tbd)\b[^<>\n]{0,60}>/gi,
  /<[A-Z][A-Z0-9 _-]{2,40}>/g,
  /\$?\bX{2,}(?:[,.]X+)*\b/g,
  /\$X+\b/g,
  /\b(?:TBD|TBC|TODO|FIXME)\b/g,
  /\blorem\s+ipsum\b/gi,
];

/** Each placeholder found, as written, in order of appearance (overlaps reported once). */
export function findPlaceholders(text: string): string[] {
  const found: Array<{ start: number; end: number; text: string }> = [];
  for (const pattern of PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const start = m.index ?? 0;
      const end = start + m[0].length;
      if (!found.some((f) => f.start < end && start < f.end))
        found.push({ start, end, text: m[0] });
    }
  }
  return found.sort((a, b) => a.start - b.start).map((f) => f.text);
}
